#!/bin/bash
# netns-jail desktop: jailed copies of real .desktop files, written by an
# unprivileged user (and once by root for a user, whose symlinked
# directories must not lead root's writes elsewhere). Every output must pass desktop-file-validate, every
# Exec= line is compared exactly, and GLib's own launcher (gio launch) must
# hand the jailed command exactly the arguments the original would get.
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin "packaging: jailed desktop launchers"
require_root
require_cmd desktop-file-validate gio setpriv

JAIL=${NETNS_JAIL_BIN:-$REPO_ROOT/.build/release/netns-jail}
[ -x "$JAIL" ] || { skip "$JAIL missing (make build)"; suite_end; }
FIX=$REPO_ROOT/Tests/Packaging/fixtures

make_scratch_dir S
make_test_user nxdesk_user
mkdir -m 0755 "$S/in" "$S/bin"
install -d -m 0700 -o nxdesk_user "$S/home" "$S/out"
cp "$FIX"/*.desktop "$S/in/"
chmod 0644 "$S/in"/*.desktop

# Runs netns-jail as the test user, with a clean environment and HOME in
# the scratch directory: no root is needed for this subcommand.
desk() {
    as_user nxdesk_user env -i HOME="$S/home" PATH=/usr/bin:/bin "$JAIL" desktop "$@"
}

# valid FILE: desktop-file-validate passes with no error or warning (hints,
# which it also prints for the unmodified originals, are allowed).
valid() {
    local report
    report=$(desktop-file-validate "$1" 2>&1) || { echo "$report"; return 1; }
    ! grep -qE ': (error|warning):' <<<"$report" || { echo "$report"; return 1; }
}

# The validator is not a rubber stamp: it rejects an unclosed quote and
# DBusActivatable in a non-reverse-DNS file.
printf '[Desktop Entry]\nType=Application\nName=x\nExec=foo "bar\n' >"$S/broken.desktop"
check "control: desktop-file-validate rejects a broken Exec" bash -c "! desktop-file-validate '$S/broken.desktop' >/dev/null 2>&1"

for f in "$FIX"/*.desktop; do
    check "fixture $(basename "$f") is itself valid" valid "$f"
done

# --- exact Exec lines ---------------------------------------------------------
# expect_exec FIXTURE LINE...: jail FIXTURE into $S/out and compare its
# Exec= lines, in file order, with LINE...
expect_exec() {
    local fixture=$1 id out; shift
    id=${fixture%.desktop}-netns-vpn_jail.desktop
    out=$(desk "$S/in/$fixture" --namespace vpn_jail --output "$S/out" 2>&1)
    check_eq "$fixture: written, path printed" "$S/out/$id" "$out"
    check "$fixture: output passes desktop-file-validate" valid "$S/out/$id"
    check_eq "$fixture: Exec lines" "$(printf '%s\n' "$@")" "$(grep '^Exec' "$S/out/$id")"
    check_eq "$fixture: no DBusActivatable left" "" "$(grep '^DBusActivatable' "$S/out/$id" || true)"
    check_eq "$fixture: owned by the user who ran it" "nxdesk_user" "$(stat -c %U "$S/out/$id")"
}

expect_exec org.qbittorrent.qBittorrent.desktop \
    'Exec=netns-exec --menu-name=qBittorrent=20=28VPN=29 vpn_jail qbittorrent %U'
expect_exec browser.desktop \
    'Exec=netns-exec --menu-name=Example=20Browser=20=28VPN=29 vpn_jail /usr/lib/example-browser/browser %u' \
    'Exec=netns-exec --menu-name=Example=20Browser=20=28VPN=29 vpn_jail /usr/lib/example-browser/browser --new-window %u' \
    'Exec=netns-exec --menu-name=Example=20Browser=20=28VPN=29 vpn_jail /usr/lib/example-browser/browser --private-window %u'
expect_exec org.example.Files.desktop \
    'Exec=netns-exec --menu-name=Files=20=28VPN=29 vpn_jail example-files --new-window %U' \
    'Exec=netns-exec --menu-name=Files=20=28VPN=29 vpn_jail example-files --new-window'
expect_exec quoted-args.desktop \
    'Exec=netns-exec --menu-name=Quoted=20Arguments=20=28VPN=29 vpn_jail "/opt/Example Tools/bin/quoted tool" --title "A \\"quoted\\" title" --home "\\$HOME/My Files" --path "C:\\\\temp" 100%% %F'

# --- names, file ID, markers ----------------------------------------------------
q=$S/out/org.qbittorrent.qBittorrent-netns-vpn_jail.desktop
check_eq "Name and every Name[xx] get ' (VPN)'" \
    "$(printf '%s\n' 'Name=qBittorrent (VPN)' 'Name[de]=qBittorrent (VPN)' 'Name[ru]=qBittorrent торрент (VPN)')" \
    "$(grep '^Name' "$q")"
check_eq "GenericName is left alone" "GenericName=BitTorrent client" "$(grep '^GenericName=' "$q")"
check_eq "TryExec still names the program" "TryExec=qbittorrent" "$(grep '^TryExec' "$q")"
b=$S/out/browser-netns-vpn_jail.desktop
check_eq "action names are left alone" \
    "$(printf '%s\n' 'Name=New Window' 'Name[fr]=Nouvelle fenêtre' 'Name=New Private Window' 'Name[fr]=Nouvelle fenêtre de navigation privée')" \
    "$(sed -n '/^\[Desktop Action/,$p' "$b" | grep '^Name')"
check_eq "Name[sr@latin] is suffixed" "Name[sr@latin]=Primer pregledača (VPN)" "$(grep '^Name\[sr@latin\]' "$b")"
check "the original file is untouched" cmp -s "$FIX/browser.desktop" "$S/in/browser.desktop"
check_eq "everything else is kept line for line" \
    "$(grep -v -e '^Name' -e '^Exec' "$FIX/browser.desktop")" \
    "$(grep -v -e '^Name' -e '^Exec' -e '^X-NetnsExec-Namespace=' "$b")"

# --- the shipped example is what the tool makes -----------------------------------
check_eq "packaging/desktop/qbittorrent-vpn.desktop matches the tool's output" \
    "$(cat "$q")" "$(grep -v '^#' "$REPO_ROOT/packaging/desktop/qbittorrent-vpn.desktop")"
check "the shipped example passes desktop-file-validate" valid "$REPO_ROOT/packaging/desktop/qbittorrent-vpn.desktop"

# --- real files installed on this machine -------------------------------------------
n=0
for f in /usr/share/applications/*.desktop; do
    [ -f "$f" ] || continue
    grep -q '^Type=Application' "$f" && grep -q '^Exec=' "$f" || continue
    id=$(basename "$f" .desktop)-netns-sys.desktop
    if grep -Eq '^Exec=([^ ]*/)?(chromium|chromium-browser|google-chrome[a-z-]*|brave(-browser)?|microsoft-edge[a-z-]*|vivaldi[a-z-]*|opera)( |$)' "$f"; then
        # Chromium cannot start in a jail (SECURITY.md): refused, nothing written.
        err=$(desk "$f" --namespace sys --output "$S/out" 2>&1); rc=$?
        check_eq "system $(basename "$f"): a Chromium browser is refused (exit 2)" 2 "$rc"
        check_contains "system $(basename "$f"): saying why" "its sandbox needs user namespaces" "$err"
        check "system $(basename "$f"): nothing written" test ! -e "$S/out/$id"
        continue
    fi
    desk "$f" --namespace sys --output "$S/out" >/dev/null 2>&1
    if valid "$f" >/dev/null; then
        check "system $(basename "$f"): jailed copy is valid" valid "$S/out/$id"
    else
        # The original itself fails this desktop-file-validate (a newer key,
        # such as qBittorrent's SingleMainWindow): the copy adds nothing to that.
        check_eq "system $(basename "$f"): jailed copy has exactly the original's complaints" \
            "$(desktop-file-validate "$f" 2>&1 | sed "s|^$f: ||")" \
            "$(desktop-file-validate "$S/out/$id" 2>&1 | sed "s|^$S/out/$id: ||")"
    fi
    # The menu name (the entry's Name with its suffix, encoded) is left out
    # here; the fixtures above check it exactly.
    check_eq "system $(basename "$f"): Exec lines prefixed, rest unchanged" \
        "$(grep '^Exec=' "$f" | sed 's/^Exec=/Exec=netns-exec sys /')" \
        "$(grep '^Exec=' "$S/out/$id" | sed 's/^Exec=netns-exec --menu-name=[A-Za-z0-9._=-]* /Exec=netns-exec /')"
    n=$((n + 1))
done
[ "$n" -gt 0 ] || skip "no application .desktop files in /usr/share/applications"

# --- GLib reads the jailed Exec as the original argv ----------------------------
# --launcher points at a script that records its arguments; TryExec programs
# exist in $S/bin so GLib accepts the entries.
cat >"$S/bin/argv-dump" <<EOF
#!/bin/sh
for a in "\$@"; do printf '[%s]\n' "\$a"; done >"$S/home/argv.out"
EOF
printf '#!/bin/sh\nexit 0\n' >"$S/bin/qbittorrent"
chmod 0755 "$S/bin/argv-dump" "$S/bin/qbittorrent"
launch() {   # launch DESKTOP ARG...: gio launch as the test user, then wait for argv.out
    rm -f "$S/home/argv.out"
    as_user nxdesk_user env -i HOME="$S/home" PATH="$S/bin:/usr/bin:/bin" timeout 10 gio launch "$@" >/dev/null 2>&1
    wait_for 5 test -s "$S/home/argv.out"
}
desk "$S/in/quoted-args.desktop" --namespace vpn_jail --output "$S/home/g" --launcher "$S/bin/argv-dump" >/dev/null
launch "$S/home/g/quoted-args-netns-vpn_jail.desktop" "/tmp/one file.txt"
check_eq "gio launch: quoted arguments reach the program as the original meant" \
    "$(printf '%s\n' '[--menu-name=Quoted=20Arguments=20=28VPN=29]' '[vpn_jail]' '[/opt/Example Tools/bin/quoted tool]' '[--title]' '[A "quoted" title]' \
        '[--home]' '[$HOME/My Files]' '[--path]' '[C:\temp]' '[100%]' '[/tmp/one file.txt]')" \
    "$(cat "$S/home/argv.out" 2>/dev/null)"
desk "$S/in/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail --output "$S/home/g" --launcher "$S/bin/argv-dump" >/dev/null
launch "$S/home/g/org.qbittorrent.qBittorrent-netns-vpn_jail.desktop" "magnet:?xt=urn:btih:0123456789abcdef"
check_eq "gio launch: %U becomes the URI, after netns-exec --menu-name=... NAME" \
    "$(printf '%s\n' '[--menu-name=qBittorrent=20=28VPN=29]' '[vpn_jail]' '[qbittorrent]' '[magnet:?xt=urn:btih:0123456789abcdef]')" \
    "$(cat "$S/home/argv.out" 2>/dev/null)"
check "a launcher path with a space is quoted for the file" \
    bash -c "mkdir -p '$S/sp ace' && cp '$S/bin/argv-dump' '$S/sp ace/' && chmod -R a+rX '$S/sp ace'"
desk "$S/in/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail --output "$S/home/h" --launcher "$S/sp ace/argv-dump" >/dev/null
launch "$S/home/h/org.qbittorrent.qBittorrent-netns-vpn_jail.desktop"
check_eq "gio launch: ... and GLib finds it" "$(printf '%s\n' '[--menu-name=qBittorrent=20=28VPN=29]' '[vpn_jail]' '[qbittorrent]')" "$(cat "$S/home/argv.out" 2>/dev/null)"

# --- default output directory, overwrite rule, refusals ---------------------------
out=$(desk "$S/in/browser.desktop" --namespace vpn_jail)
check_eq "default output is ~/.local/share/applications, then the mimeapps.list it changed" \
    "$(printf '%s\n' "$S/home/.local/share/applications/browser-netns-vpn_jail.desktop" "$S/home/.config/mimeapps.list")" "$out"
out=$(as_user nxdesk_user env -i HOME="$S/home" XDG_DATA_HOME="$S/home/xdg" XDG_CONFIG_HOME="$S/home/xdgc" "$JAIL" desktop "$S/in/browser.desktop" --namespace vpn_jail)
check_eq "\$XDG_DATA_HOME/applications and \$XDG_CONFIG_HOME/mimeapps.list when set" \
    "$(printf '%s\n' "$S/home/xdg/applications/browser-netns-vpn_jail.desktop" "$S/home/xdgc/mimeapps.list")" "$out"

err=$(desk "$S/in/browser.desktop" --namespace vpn_jail 2>&1 >/dev/null); rc=$?
check_eq "an existing copy is not replaced silently (exit 2)" 2 "$rc"
check_contains "and the message says --force" "already exists; pass --force" "$err"
check "--force replaces it" desk "$S/in/browser.desktop" --namespace vpn_jail --force >/dev/null

# --- links: the jailed copy becomes the handler for the original's types ----------
# The original is installed in a data directory of its own (standing for
# /usr/share), with its own qbittorrent, which records that it ran unjailed.
# xdg-open and gio open are the real ones; xdg-open asks the MIME defaults
# only when some display is named.
L=$S/links
install -d -m 0755 "$L" "$L/sys/applications" "$L/bin"
install -d -m 0700 -o nxdesk_user "$L/home"
cp "$FIX/org.qbittorrent.qBittorrent.desktop" "$L/sys/applications/"
printf '[Default Applications]\nx-scheme-handler/magnet=org.qbittorrent.qBittorrent.desktop;\n' >"$L/sys/applications/mimeapps.list"
printf '#!/bin/sh\necho "unjailed $*" >>"%s/home/ran.out"\n' "$L" >"$L/bin/qbittorrent"
printf '#!/bin/sh\necho "jailed $*" >>"%s/home/ran.out"\n' "$L" >"$L/bin/fake-netns-exec"
chmod 0755 "$L/bin/qbittorrent" "$L/bin/fake-netns-exec"
lenv() { as_user nxdesk_user env -i HOME="$L/home" PATH="$L/bin:/usr/bin:/bin" XDG_DATA_DIRS="$L/sys:/usr/share" \
    XDG_CURRENT_DESKTOP=X-Generic DISPLAY=:nxdesk "$@"; }
MAGNET='magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567'
opened() {   # opened CMD...: run CMD as the user, wait for ran.out, print it
    rm -f "$L/home/ran.out"
    lenv timeout 10 "$@" >/dev/null 2>&1
    wait_for 5 test -s "$L/home/ran.out"
    cat "$L/home/ran.out" 2>/dev/null
}
check_eq "control: before netns-jail desktop, xdg-open MAGNET starts the unjailed program" \
    "unjailed $MAGNET" "$(opened xdg-open "$MAGNET")"
QID=org.qbittorrent.qBittorrent-netns-vpn_jail.desktop
out=$(lenv "$JAIL" desktop "$L/sys/applications/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail \
    --launcher "$L/bin/fake-netns-exec" 2>&1)
check_eq "written: the launcher and the user's mimeapps.list" \
    "$(printf '%s\n' "$L/home/.local/share/applications/$QID" "$L/home/.config/mimeapps.list")" "$out"
check_eq "mimeapps.list: the jailed copy is the default for each of the original's types" \
    "$(printf '%s\n' '[Default Applications]' "application/x-bittorrent=$QID;" "x-scheme-handler/magnet=$QID;" '' \
        '[Added Associations]' "application/x-bittorrent=$QID;" "x-scheme-handler/magnet=$QID;")" \
    "$(cat "$L/home/.config/mimeapps.list")"
check "update-desktop-database ran: mimeinfo.cache lists it for magnet links" \
    grep -qx "x-scheme-handler/magnet=$QID;" "$L/home/.local/share/applications/mimeinfo.cache"
check_eq "xdg-mime names it the default" "$QID" "$(lenv xdg-mime query default x-scheme-handler/magnet)"
check_eq "xdg-open MAGNET now starts the jailed launcher" "jailed --menu-name=qBittorrent=20=28VPN=29 vpn_jail qbittorrent $MAGNET" "$(opened xdg-open "$MAGNET")"
check_eq "and so does gio open" "jailed --menu-name=qBittorrent=20=28VPN=29 vpn_jail qbittorrent $MAGNET" "$(opened gio open "$MAGNET")"
before=$(cat "$L/home/.config/mimeapps.list")
lenv "$JAIL" desktop "$L/sys/applications/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail \
    --launcher "$L/bin/fake-netns-exec" --force >/dev/null 2>&1
check_eq "running it again changes nothing in mimeapps.list" "$before" "$(cat "$L/home/.config/mimeapps.list")"
printf '# mine\n[Default Applications]\ntext/plain=mine.desktop;\n' >"$L/home/.config/mimeapps.list"
chown nxdesk_user "$L/home/.config/mimeapps.list"
lenv "$JAIL" desktop "$S/in/browser.desktop" --namespace vpn_jail --no-defaults >/dev/null 2>&1
check_eq "--no-defaults leaves mimeapps.list alone" "$(printf '%s\n' '# mine' '[Default Applications]' 'text/plain=mine.desktop;')" \
    "$(cat "$L/home/.config/mimeapps.list")"
lenv "$JAIL" desktop "$S/in/browser.desktop" --namespace vpn_jail --force >/dev/null 2>&1
check_eq "the user's own lines survive" "$(printf '%s\n' '# mine' '[Default Applications]' 'text/plain=mine.desktop;')" \
    "$(head -n 3 "$L/home/.config/mimeapps.list")"
# A mimeapps.list that cannot be written: exit 1, and no launcher is left
# behind that looks registered while links still start the unjailed program.
install -d -m 0700 -o nxdesk_user "$L/home2"
install -d -m 0755 "$L/home2/.config"
err=$(as_user nxdesk_user env -i HOME="$L/home2" PATH=/usr/bin:/bin "$JAIL" desktop "$S/in/browser.desktop" --namespace vpn_jail 2>&1); rc=$?
check_eq "an unwritable mimeapps.list exits 1" 1 "$rc"
check_contains "saying which file and that nothing changed" "cannot write $L/home2/.config/mimeapps.list" "$err"
check "and the launcher it had written is gone again" test ! -e "$L/home2/.local/share/applications/browser-netns-vpn_jail.desktop"

printf '[Desktop Entry]\nType=Application\nName=x\nExec=a\nExec=b\nbogus\n' >"$S/in/dup.desktop"
err=$(desk "$S/in/dup.desktop" --namespace vpn_jail --output "$S/out" 2>&1); rc=$?
check_eq "a duplicate Exec is refused (exit 2)" 2 "$rc"
check_eq "every problem is reported as netns-jail: FILE:LINE:" \
    "$(printf '%s\n' "netns-jail: $S/in/dup.desktop:5: key Exec appears twice in [Desktop Entry]; keep one" \
        "netns-jail: $S/in/dup.desktop:6: line is not a comment, a [group] or a Key=value entry")" "$err"
check "and nothing is written" test ! -e "$S/out/dup-netns-vpn_jail.desktop"

printf '[Desktop Entry]\nType=Application\nName=x\nDBusActivatable=true\n' >"$S/in/org.example.DBusOnly.desktop"
err=$(desk "$S/in/org.example.DBusOnly.desktop" --namespace vpn_jail --output "$S/out" 2>&1); rc=$?
check_eq "a D-Bus-only entry (no Exec) is refused" 2 "$rc"
check_contains "with the reason" "has no Exec=" "$err"

err=$(desk "$S/out/browser-netns-vpn_jail.desktop" --namespace other --output "$S/out" 2>&1); rc=$?
check_eq "a jailed copy is not jailed again" 2 "$rc"
check_contains "with the reason" "already jailed in vpn_jail" "$err"

err=$(desk "$S/in/browser.desktop" --namespace ../etc --output "$S/out" 2>&1); rc=$?
check_eq "an invalid namespace name is a usage error (exit 2)" 2 "$rc"
check_contains "named as such" "invalid namespace name" "$err"

err=$(desk "$S/in/missing.desktop" --namespace vpn_jail --output "$S/out" 2>&1); rc=$?
check_eq "a missing source exits 2" 2 "$rc"
check_contains "and says which file" "cannot read $S/in/missing.desktop" "$err"

err=$(desk "$S/in/browser.desktop" --namespace vpn_jail --output /etc/nxdesk-denied 2>&1); rc=$?
check_eq "an unwritable output directory exits 1" 1 "$rc"
check_contains "with the path" "cannot write /etc/nxdesk-denied/" "$err"
check "and nothing appears there" test ! -e /etc/nxdesk-denied

# Run as root for a user (sudo -E keeps the user's HOME): the user's
# ~/.local/share/applications and ~/.config are links to directories only
# root may write. Nothing may be written there.
R=$S/rootrun
install -d -m 0755 "$R" "$R/target-apps" "$R/target-config"
install -d -m 0700 -o nxdesk_user "$R/home"
install -d -m 0755 -o nxdesk_user "$R/home/.local" "$R/home/.local/share"
ln -s "$R/target-apps" "$R/home/.local/share/applications"
ln -s "$R/target-config" "$R/home/.config"
chown -h nxdesk_user "$R/home/.local/share/applications" "$R/home/.config"
check "control: root writing through the user's link lands in root's directory" \
    sh -c "touch '$R/home/.local/share/applications/probe' && test -e '$R/target-apps/probe' && rm '$R/target-apps/probe'"
err=$(env -i HOME="$R/home" PATH=/usr/bin:/bin "$JAIL" desktop "$S/in/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail 2>&1); rc=$?
check_eq "as root through symlinked directories: exit 1" 1 "$rc"
check_contains "... saying which file it could not write" "netns-jail: cannot write $R/home/.local/share/applications/" "$err"
check_eq "... and nothing is written in root's directories" "" "$(ls -A "$R/target-apps" "$R/target-config" | grep -v ':$' | grep -v '^$')"
rm "$R/home/.local/share/applications" "$R/home/.config"
env -i HOME="$R/home" PATH=/usr/bin:/bin "$JAIL" desktop "$S/in/org.qbittorrent.qBittorrent.desktop" --namespace vpn_jail >/dev/null 2>&1
check_eq "control: without the links, root's run writes the user's launcher, owned by the user" "nxdesk_user" \
    "$(stat -c %U "$R/home/.local/share/applications/"*netns-vpn_jail.desktop 2>&1)"
check_eq "... and the user's mimeapps.list, owned by the user" "nxdesk_user" "$(stat -c %U "$R/home/.config/mimeapps.list" 2>&1)"

suite_end
