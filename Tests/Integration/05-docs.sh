#!/bin/bash
# The docs that restate the code, compared with the code (issue 22), so a
# change to one that forgets the other fails here:
#
#  - the launch steps main.swift marks (`// N. Name`) against SECURITY.md's
#    "The launch, step by step", docs/DESIGN.md's step table and
#    bench/ref-launcher.c's header: numbers and names; a "(step N,
#    `Type.swift`)" in a doc is step N's code; and no doc counts the
#    steps in words other than their number ("the eleven steps" once did);
#  - `netns-jail status --json`'s keys, from the Codable structs it encodes
#    (JailStatus and the structs of its properties), against netns-jail(8);
#  - each option the policy parser takes has its own heading in
#    netns-exec.conf(5);
#  - the man pages take their version from VERSION: every page says
#    @VERSION@, and `make install-man` writes VERSION in its place;
#  - each row of Tests/Escape/SECURITY-NOTES.md names the checks that assert
#    it, and each named check's description is in that suite;
#  - every suite folder under Tests/ is in SECURITY.md's "What the tests
#    prove";
#  - every repository path the docs name exists (a file that moves or a
#    suite renumbered leaves no pointer to nothing);
#  - JailKit's folders use each other in one direction only (no two-way
#    pair; Tests/lib/foldergraph.py), as docs/DESIGN.md describes them;
#  - the launcher's size, stated once (docs/BENCHMARKS.md), is within 10%
#    of the built binary's.
#
# Every comparison has a control: the same comparison run on a copy of the
# doc with one drift put in must fail. Needs no root, no jail and no build
# (the size check needs `make build`, which make test runs first). It
# touches nothing shared, so it does not take the machine-wide suite lock.
# shellcheck source=../lib/testlib.sh
. "$(dirname "$0")/../lib/testlib.sh"
NXE_SUITE_LOCK=off suite_begin integration-docs
require_cmd python3 make sed

DOC="python3 $REPO_ROOT/Tests/lib/doccheck.py"
R=$REPO_ROOT
S=$(mktemp -d /tmp/netns-exec-docs.XXXXXX) || { fail "a scratch directory"; suite_end; }
on_exit "rm -rf '$S'"

# same DESC A-CMD B-CMD: both commands succeed and print the same list.
same() {
    local desc=$1 a b
    a=$(eval "$2") || { fail "$desc (the code side could not be read)"; return; }
    b=$(eval "$3") || { fail "$desc (the doc side could not be read)"; return; }
    check_eq "$desc" "$a" "$b"
}
# differs DESC A-CMD B-CMD: the control: a drift put in is seen.
differs() {
    local a b
    a=$(eval "$2" 2>/dev/null); b=$(eval "$3" 2>/dev/null)
    check "control: $1" test "$a" != "$b"
}

# --- the launch steps ------------------------------------------------------
code_steps="$DOC steps-code '$R/Sources/Launcher/netns-exec/main.swift'"
same "SECURITY.md numbers and names the launch steps as main.swift marks them" \
    "$code_steps" "$DOC steps-security '$R/SECURITY.md'"
same "docs/DESIGN.md's step table numbers and names them the same" \
    "$code_steps" "$DOC steps-design '$R/docs/DESIGN.md'"
same "bench/ref-launcher.c's header numbers and names them the same" \
    "$code_steps" "$DOC steps-ref '$R/bench/ref-launcher.c'"
count=$(eval "$code_steps" | wc -l)
# (The docs about the launch; EndToEnd's README counts the steps of `up`.)
docs=$(cd "$R" && ls README.md SECURITY.md docs/*.md Sources/Launcher/netns-exec/main.swift bench/ref-launcher.c)
check_eq "no doc counts the launch steps other than $count" "" \
    "$(cd "$R" && $DOC step-counts "$count" $docs)"

sed 's/^6\. \*\*Drop\*\*/6. **Drop privileges**/' "$R/SECURITY.md" >"$S/SECURITY.md"
differs "a renamed step in SECURITY.md is seen" "$code_steps" "$DOC steps-security '$S/SECURITY.md'"
sed 's|^\( *step(log: log, Privileges.dropAll) *// 6. Drop\)$|    cl_chdir_again()  // 7. Change directory\n\1|' \
    "$R/Sources/Launcher/netns-exec/main.swift" >"$S/main.swift"
check "control: a step added in main.swift is refused when out of order" \
    bash -c "! $DOC steps-code '$S/main.swift' 2>/dev/null"
sed 's|// 13\. Exec$|// 13. Exec\n// 14. Clean up|' "$R/Sources/Launcher/netns-exec/main.swift" >"$S/main.swift"
differs "a step added at the end of main.swift is missing from the docs" \
    "$DOC steps-code '$S/main.swift'" "$DOC steps-design '$R/docs/DESIGN.md'"
sed 's/^| 9\. No hand-off |/| 9. Environment |/' "$R/docs/DESIGN.md" >"$S/DESIGN.md"
differs "a shifted row in DESIGN.md's table is seen" "$code_steps" "$DOC steps-design '$S/DESIGN.md'"
check_eq "each \"(step N, \`Type.swift\`)\" in the docs is that step of main.swift" "" \
    "$(cd "$R" && $DOC step-refs Sources/Launcher/netns-exec/main.swift $docs)"
printf 'the check (step 2, `HandOff.swift`)\n' >"$S/ref.md"
check_contains "control: a step reference to the wrong step is found" "step 2 is not HandOff" \
    "$($DOC step-refs "$R/Sources/Launcher/netns-exec/main.swift" "$S/ref.md")"
printf 'the eleven steps of the launch\n' >"$S/count.md"
check_contains "control: a wrong count of steps in words is found" "eleven steps" \
    "$($DOC step-counts "$count" "$S/count.md")"

# --- status --json ---------------------------------------------------------
code_keys="$DOC json-keys-code '$R/Sources/Admin/JailKit' JailStatus"
same "netns-jail(8) lists exactly the keys status --json prints" \
    "$code_keys" "$DOC json-keys-man '$R/man/netns-jail.8'"
grep -vw 'relayPID' "$R/man/netns-jail.8" >"$S/netns-jail.8"
differs "a key missing from netns-jail(8) is seen" "$code_keys" "$DOC json-keys-man '$S/netns-jail.8'"
mkdir -p "$S/src" && cp "$R/Sources/Admin/JailKit/Health/JailStatus.swift" "$S/src/" &&
    cp "$R"/Sources/Admin/JailKit/Health/JailInspection.swift "$R"/Sources/Admin/JailKit/PortForward/PortForwardRecord.swift "$S/src/"
sed -i 's/^\(    public let problems: \[String\]\)$/\1\n    public let uptime: Int/' "$S/src/JailStatus.swift"
differs "a key added to JailStatus is seen" "$DOC json-keys-code '$S/src' JailStatus" \
    "$DOC json-keys-man '$R/man/netns-jail.8'"

# --- the man pages' version ------------------------------------------------
version=$(tr -d ' \n' <"$R/VERSION")
check_eq "every man page takes its version from VERSION (@VERSION@)" \
    "$(cd "$R/man" && for p in *.[1-8]; do echo "$p @VERSION@"; done | sort)" "$($DOC man-versions "$R"/man/*.[1-8] | sort)"
if make -s -C "$R" install-man DESTDIR="$S/install" PREFIX=/usr >/dev/null; then
    check_eq "make install-man writes VERSION ($version) into every page" \
        "$(cd "$R/man" && for p in *.[1-8]; do echo "$p $version"; done | sort)" \
        "$($DOC man-versions "$S"/install/usr/man/man?/* | sort)"
else
    fail "make install-man"
fi
sed '1s/@VERSION@/0.0.9/' "$R/man/netns-exec.1" >"$S/netns-exec.1"
check_eq "control: a hard-coded version is seen" "netns-exec.1 0.0.9" "$($DOC man-versions "$S/netns-exec.1")"

# --- the policy's options --------------------------------------------------
# Each option PolicyParser takes has its own heading (.TP) in
# netns-exec.conf(5): one once lost its heading, and its text read as part
# of the option before it.
parser_keys() { grep -o 'key == "[a-z-]*"' "$1" | sed 's/^key == "//; s/"$//' | sort -u; }
page_keys() { awk '/^\.TP/ { if ((getline line) > 0) print line }' "$1" | sed 's/\\-/-/g' |
    grep -o '^\.[A-Z]* [a-z-]*=' | sed 's/^\.[A-Z]* //; s/=$//' | sort -u; }
same "netns-exec.conf(5) has a heading for each option the policy parser takes" \
    "parser_keys '$R/Sources/Shared/NetnsPolicy/PolicyParser.swift'" "page_keys '$R/man/netns-exec.conf.5'"
awk '/^\.TP$/ { held = $0; next } held != "" { if ($0 !~ /host\\-ptrace=allow/) print held; held = "" } { print }' \
    "$R/man/netns-exec.conf.5" >"$S/netns-exec.conf.5"
differs "an option whose heading was lost is seen" \
    "parser_keys '$R/Sources/Shared/NetnsPolicy/PolicyParser.swift'" "page_keys '$S/netns-exec.conf.5'"

# --- the escape matrix -----------------------------------------------------
rows=$($DOC escape-rows "$R/Tests/Escape/SECURITY-NOTES.md" "$R/Tests/Escape")
check "each row of the escape matrix names its checks ($(grep -c '^ok' <<<"$rows") found)" \
    test -n "$rows" -a -z "$(grep -v '^ok' <<<"$rows")"
grep -v '^ok' <<<"$rows" | sed 's/^/       /'
sed 's/"jail: NoNewPrivs is 1"/"jail: NoNewPrivs is 0"/' "$R/Tests/Escape/SECURITY-NOTES.md" >"$S/NOTES.md"
check_contains "control: a row naming a check its suite lacks is seen" "MISSING 50-privileges.sh: jail: NoNewPrivs is 0" \
    "$($DOC escape-rows "$S/NOTES.md" "$R/Tests/Escape")"

# --- What the tests prove --------------------------------------------------
covered=$($DOC suites-covered "$R/SECURITY.md" "$R/Tests")
check "SECURITY.md's \"What the tests prove\" names every suite folder ($(grep -c '^ok' <<<"$covered"))" \
    test -n "$covered" -a -z "$(grep -v '^ok' <<<"$covered")"
grep -v '^ok' <<<"$covered" | sed 's/^/       /'
sed 's/^- `Tests\/Desktop`:/- The desktop suites:/' "$R/SECURITY.md" >"$S/SECURITY.md"
check_contains "control: a folder left out is seen" "MISSING Tests/Desktop" "$($DOC suites-covered "$S/SECURITY.md" "$R/Tests")"

# --- paths the docs name ----------------------------------------------------
pages=$(cd "$R" && ls README.md SECURITY.md docs/*.md Tests/README.md Tests/*/README.md Tests/Escape/SECURITY-NOTES.md man/*.[1-8])
check_eq "every repository path the docs name is there" "" "$(cd "$R" && $DOC missing-paths . $pages)"
printf 'the rules (Tests/Escape/helpers/libseccomp-rule.h, Tests/Desktop/20)\n' >"$S/paths.md"
check_eq "control: a path that moved is found, a suite by its number is not" \
    "$S/paths.md:1: Tests/Escape/helpers/libseccomp-rule.h" "$($DOC missing-paths "$R" "$S/paths.md")"

# --- JailKit's folders are layers -----------------------------------------
# docs/DESIGN.md: a part uses Support/, Config/ and the parts below it, never
# one above; Swift does not enforce that inside one target, so this does
# (Tests/lib/foldergraph.py: which folder names what another declares).
# The control copies JailKit and makes Support/ name JailBuilder, a use in
# the wrong direction: the pair must be seen.
layers=$(python3 "$R/Tests/lib/foldergraph.py" "$R/Sources/Admin/JailKit")
check_eq "no two JailKit folders use each other" "" "$layers"
cp -r "$R/Sources/Admin/JailKit" "$S/jailkit"
printf '\nfunc controlWrongWay() -> Any.Type { JailBuilder.self }\n' >>"$S/jailkit/Support/JailPaths.swift"
check_contains "control: Support/ naming JailBuilder (Jail/) is a two-way pair" \
    "Jail <-> Support: Jail uses" "$(python3 "$R/Tests/lib/foldergraph.py" "$S/jailkit")"

# --- the launcher's size ---------------------------------------------------
stated=$($DOC stated-size "$R/docs/BENCHMARKS.md") || stated=
within() { awk -v s="$1" -v a="$2" 'BEGIN { exit !(s > 0 && a > 0 && s >= a * 0.9 && s <= a * 1.1) }'; }
if [ -x "$R/.build/release/netns-exec" ]; then
    actual=$(stat -c %s "$R/.build/release/netns-exec")
    check "docs/BENCHMARKS.md's launcher size ($stated bytes) is within 10% of the build's ($actual)" \
        within "${stated:-0}" "$actual"
    outside_tolerance() { ! within "$@"; }
    check "control: a size off by a fifth is seen" outside_tolerance $((actual * 6 / 5)) "$actual"
else
    skip "the launcher's size: .build/release/netns-exec missing (make build)"
fi
check_eq "no other doc states the launcher's size in MB" "" \
    "$(cd "$R" && grep -nE '(launcher|netns-exec)[^.]*\b0\.[0-9]+ ?MB|about 0\.[0-9] MB' README.md SECURITY.md docs/DESIGN.md Makefile scripts/build-launcher.sh)"

suite_end
