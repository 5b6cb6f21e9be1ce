/// The jail's /etc/nsswitch.conf, which the launcher itself puts in the
/// /etc overlay at every launch (EtcOverlay), whatever the host's says.
///
/// The host's file may send a lookup to a daemon outside the jail: `ldap`
/// to nslcd, `sss` to sssd (whose pipes are under /var/lib/sss, not /run),
/// `wins` and `winbind` to winbindd, `mdns*` to avahi, `resolve` to
/// systemd-resolved, `mymachines` to systemd-machined, `nis` to ypbind's
/// servers. Such a daemon answers from the host's network namespace, so a
/// jailed `getent hosts NAME` made the host look NAME up outside the
/// tunnel. Hiding each daemon's socket is a list of what was seen to leak;
/// this is an allow-list instead: every database glibc knows (and autofs's
/// `automount`) is named, each with `files`, the only module that reads
/// nothing but local files, and `hosts` adds `dns`, which asks the jail's
/// own resolv.conf through the jail's own network. No database is left to
/// glibc's built-in default.
///
/// The account databases get `files` too, not the host's sources: a
/// lookup by user or group name reaches nslcd or sssd just like a host
/// name, with a string the jailed program chooses, and the daemon sends it
/// on from the host's network. The cost is that an account that exists
/// only in LDAP, SSSD or winbind has no name inside the jail (SECURITY.md,
/// "Name lookups").
///
/// It is not read from /etc/netns/NAME, and a file of that name there is
/// refused: the guarantee does not depend on what netns-jail or an
/// administrator wrote.
enum NameServiceSwitch {
    static let fileName = "nsswitch.conf"

    static let text = """
        # Written by netns-exec for this jail; the host's nsswitch.conf is not used.
        # Only local files and the jail's own DNS (its resolv.conf) answer lookups
        # here: no daemon outside the jail (nscd, nslcd, sssd, winbindd, avahi,
        # systemd-resolved) is asked. See SECURITY.md, "Name lookups".
        passwd:     files
        group:      files
        initgroups: files
        shadow:     files
        gshadow:    files
        hosts:      files dns
        networks:   files
        protocols:  files
        services:   files
        ethers:     files
        rpc:        files
        netgroup:   files
        aliases:    files
        publickey:  files
        automount:  files

        """
}
