/// What the jail's /run/user/UID shows when the jail keeps its own state:
/// an allow-list, the one place it is written (the launcher's RunView
/// applies it; the C reference launcher carries a copy).
///
/// The user's runtime directory is where the user's own daemons listen, and
/// a daemon outside the jail acts from the host's network namespace. Hiding
/// the ones seen to hand work out (the session bus, then the user manager's
/// `systemd/private`, through which `systemd-run --user` ran a command
/// outside) left every other one open: gpg-agent's dirmngr fetches keys
/// from keyservers for its clients, gvfsd mounts network shares, a sound
/// server loads a tunnel module that connects where the client says. So
/// the jail shows only what a desktop program needs to put a window on the
/// screen, and everything else in the directory is absent. Each name here
/// is a reviewed way out of the jail; SECURITY.md ("The user's runtime
/// directory") says why each is allowed and what is left out.
public enum RuntimeDirectory {
    /// Names shown, as bytes; a pattern ending in `*` matches any name that
    /// begins with the rest.
    public static let shown = [
        "wayland-*",                // the Wayland compositor's display socket (and its .lock)
        "pipewire-0",               // PipeWire's client socket: audio and video streams
        "dconf",                    // dconf's change flag (the settings are in ~/.config)
        "gdm",                      // GDM's cookie for the X display (gdm/Xauthority)
        ".mutter-Xwaylandauth.*",   // GNOME's cookie for Xwayland
        "xauth_*",                  // KDE's cookie for Xwayland
    ]

    public static func shows(_ name: [UInt8]) -> Bool {
        shown.contains { pattern in
            let bytes = Array(pattern.utf8)
            if bytes.last == UInt8(ascii: "*") {
                return name.starts(with: bytes.dropLast())
            }
            return name == bytes
        }
    }
}
