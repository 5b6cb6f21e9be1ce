/// The jail's own session bus as files and text: where it listens, the
/// address its programs get, and the configuration its dbus-daemon runs
/// with. The launcher's SessionBus starts the daemon and says why the
/// jail has a bus of its own; SECURITY.md ("The session bus: the jail's
/// own") says what is on it.
public enum SessionBusConfig {
    /// The listening socket, in the jail's runtime directory: the same
    /// name as the user's own bus (/run/user/UID/bus), so a program that
    /// ignores DBUS_SESSION_BUS_ADDRESS finds the jail's there.
    public static let socketName = "bus"
    /// Held (flock) while a launch checks for the bus and starts it, so
    /// two first launches at once start one bus.
    public static let lockName = ".netns-exec-bus.lock"

    /// The address the jail's programs get.
    public static func address(in runtimeDirectory: String) -> String {
        "unix:path=" + runtimeDirectory + "/" + socketName
    }

    /// The daemon's whole configuration: a session bus on one Unix path and
    /// nothing else (no TCP, no systemd activation, no include of the
    /// system's session.conf or its local changes), EXTERNAL authentication
    /// only, which admits nobody but the daemon's own uid (the user's), and
    /// the session service directories, so a service it activates starts
    /// as its child, inside the jail. The policy lets the jail's programs
    /// talk to one another freely, as on the user's own session bus.
    /// No DOCTYPE: dbus-daemon does not need one, and it named a web address.
    public static func configuration(listeningOn path: String) -> String {
        """
        <busconfig>
          <type>session</type>
          <listen>unix:path=\(path)</listen>
          <auth>EXTERNAL</auth>
          <standard_session_servicedirs/>
          <policy context="default">
            <allow send_destination="*" eavesdrop="true"/>
            <allow eavesdrop="true"/>
            <allow own="*"/>
          </policy>
        </busconfig>

        """
    }
}
