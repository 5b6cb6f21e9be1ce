#!/bin/bash
# netns-jail's refusals that need no jail: who may run it, and broken or
# unsafe configuration files. Each is one "netns-jail:" line and exit 2, and
# nothing is created.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
suite_begin integration-netns-jail-cli
require_root
require_cmd setpriv useradd

NJ=$REPO_ROOT/.build/release/netns-jail
[ -x "$NJ" ] || { fail "netns-jail is built (make build)"; suite_end; }
make_scratch_dir SCRATCH
make_test_user nxcli_user
CONF=$SCRATCH/netns-jail.conf

netns_before=$(ip netns list | sort)

printf '[nxcli_jail]\nwireguard = %s/wg.conf\n' "$SCRATCH" >"$CONF"; chmod 0644 "$CONF"
for verb in up down status verify; do
    check_refusal netns-jail 2 "$verb as a normal user" "netns-jail: $verb needs root" \
        as_user nxcli_user "$NJ" --config "$CONF" $verb nxcli_jail
done

check_refusal netns-jail 2 "missing configuration" "cannot open $SCRATCH/none.conf" "$NJ" --config "$SCRATCH/none.conf" up nxcli_jail
chown nxcli_user "$CONF"
check_refusal netns-jail 2 "configuration not owned by root" "$CONF" "$NJ" --config "$CONF" up nxcli_jail
chown root "$CONF"; chmod 0666 "$CONF"
check_refusal netns-jail 2 "configuration writable by others" "$CONF" "$NJ" --config "$CONF" up nxcli_jail
chmod 0644 "$CONF"

printf '[nxcli_jail]\nwireguard = /etc/wireguard/x.conf\n[../bad]\nwireguard = /x\n[nxcli_jail]\nbogus line\n' >"$CONF"
err=$("$NJ" --config "$CONF" up nxcli_jail 2>&1); rc=$?
check_eq "syntax errors: exit 2" 2 $rc
check_contains "syntax errors name file:line (3)" "$CONF:3" "$err"
check_contains "syntax errors name file:line (5)" "$CONF:5" "$err"
check_contains "syntax errors name file:line (6)" "$CONF:6" "$err"
check "syntax errors: every line starts netns-jail:" test -z "$(printf '%s\n' "$err" | grep -v '^netns-jail: ')"

printf '[nxcli_jail]\nwireguard = /etc/wireguard/x.conf\n' >"$CONF"
check_refusal netns-jail 2 "unknown jail" "no jail named nxcli_other" "$NJ" --config "$CONF" up nxcli_other
check_refusal netns-jail 2 "name and --all together" "either a jail name or --all" "$NJ" --config "$CONF" up nxcli_jail --all

# --config is one option of the root command and of every subcommand: it
# may come before the subcommand's name or after it, in either spelling, and
# desktop, which reads no configuration file, accepts and ignores it (netns-jail
# used to move it behind desktop's name by hand, where it was unknown).
check_refusal netns-jail 2 "--config after the subcommand" "no jail named nxcli_other in $CONF" "$NJ" up nxcli_other --config "$CONF"
check_refusal netns-jail 2 "--config=PATH before the subcommand" "no jail named nxcli_other in $CONF" "$NJ" --config="$CONF" up nxcli_other
check_refusal netns-jail 2 "empty --config" "--config needs a path" "$NJ" --config "" up nxcli_jail
printf '[Desktop Entry]\nType=Application\nName=Probe\nExec=/bin/true\n' >"$SCRATCH/probe.desktop"
err=$("$NJ" --config "$CONF" desktop "$SCRATCH/probe.desktop" --namespace nxcli_jail --output "$SCRATCH" 2>&1); rc=$?
check_eq "--config before desktop: accepted ($err)" 0 $rc
check "--config before desktop: the jailed copy is written" grep -q '^Exec=netns-exec --menu-name=[A-Za-z0-9._=-]* nxcli_jail /bin/true' "$SCRATCH/probe-netns-nxcli_jail.desktop"

check_eq "--version is the VERSION file's" "netns-jail $(tr -d ' \n' <"$REPO_ROOT/VERSION")" "$("$NJ" --version 2>&1)"

check_eq "nothing was created" "$netns_before" "$(ip netns list | sort)"
check "no /etc/netns entry" test ! -e /etc/netns/nxcli_jail
suite_end
