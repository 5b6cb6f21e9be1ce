# doinst.sh for netns-exec.
#
# How installpkg (pkgtools 15.0 and -current) runs this: it unpacks the
# package into the target root (/, or the directory given with --root),
# with install/ renamed to a private installpkg-XXXX directory; then it
# changes into the target root and pipes this script into /bin/bash (sh
# where there is no bash), with no arguments. So "$0" and "$1" mean
# nothing here, and every path below is relative to the target root.
# Never prefix a path with "/": that would change the running system while
# a package is installed into another root. upgradepkg and
# "upgradepkg --reinstall" first install the new package exactly this way,
# then remove the files of the old one that the new one lacks.

# config FILE.new: install FILE.new as FILE if FILE does not exist yet, drop
# it if it is identical to FILE, and otherwise leave FILE.new next to the
# admin's edited FILE to be merged by hand.
config() {
  NEW="$1"
  OLD="${NEW%.new}"
  if [ ! -r "$OLD" ]; then
    mv "$NEW" "$OLD"
  elif [ "$(md5sum < "$OLD")" = "$(md5sum < "$NEW")" ]; then
    rm -f "$NEW"
  fi
}

# preserve_perms FILE.new: like config, but FILE.new first takes FILE's mode
# and owner. rc.netns-jail ships 0644 (off); if the admin made the installed
# script executable, an upgrade keeps it enabled, and vice versa.
preserve_perms() {
  NEW="$1"
  OLD="${NEW%.new}"
  if [ -e "$OLD" ]; then
    cp -a "$OLD" "$NEW.incoming"
    cat "$NEW" > "$NEW.incoming"
    mv "$NEW.incoming" "$NEW"
  fi
  config "$NEW"
}

# The relay of publish and host-service lines drops root to a system user
# of its own, netns-relay, which no other process runs as (SECURITY.md,
# "Where the relay runs"). Created here when the target root's password
# database lacks it: on the running system directly, in another root with
# useradd's --root. A root without etc/passwd (not a system) is left alone.
if [ -f etc/passwd ] && ! grep -q '^netns-relay:' etc/passwd; then
  if [ "$(pwd -P)" = / ]; then RELAY_ROOT=""; else RELAY_ROOT="--root $(pwd -P)"; fi
  if ! grep -q '^netns-relay:' etc/group 2>/dev/null; then
    groupadd -r $RELAY_ROOT netns-relay 2>/dev/null
  fi
  if ! useradd -r $RELAY_ROOT -g netns-relay -d / -s /bin/false -c "netns-jail relay" netns-relay 2>/dev/null; then
    echo "WARNING: netns-exec: could not create the system user netns-relay; publish and host-service lines need it: groupadd -r netns-relay && useradd -r -g netns-relay -d / -s /bin/false netns-relay"
  fi
fi

config etc/netns-exec.conf.new
config etc/netns-jail.conf.new
preserve_perms etc/rc.d/rc.netns-jail.new

# The launcher needs CAP_SYS_ADMIN (setns, a private mount namespace, bind
# mounts) and nothing else. The package carries that file capability in
# its archive (packed with makepkg --xattrs; installpkg unpacks with tar
# --xattrs), and it is applied here again on every install and upgrade:
# for pkgtools or a tar that does not restore extended attributes, a
# filesystem that dropped it, and after the chown below, which clears it.
#
# Optional group restriction: when etc/default/netns-exec holds a line
# NETNS_EXEC_GROUP=GROUP, only root and GROUP may execute the launcher
# (root:GROUP 0750). The order matters: chown clears the capability xattr,
# so ownership and mode are set first and setcap comes last. A named group
# that does not exist in etc/group fails closed: the launcher becomes 0700,
# usable by nobody but root, instead of open to everyone.
LAUNCHER=usr/bin/netns-exec
LAUNCHER_CAPS=cap_sys_admin+ep
if [ -f "$LAUNCHER" ]; then
  LAUNCHER_GROUP=""
  if [ -r etc/default/netns-exec ]; then
    LAUNCHER_GROUP=$(sed -n 's/^NETNS_EXEC_GROUP=\([A-Za-z0-9_][A-Za-z0-9_.-]*\)[[:space:]]*$/\1/p' etc/default/netns-exec | tail -n 1)
  fi
  if [ -n "$LAUNCHER_GROUP" ]; then
    LAUNCHER_GID=$(awk -F: -v g="$LAUNCHER_GROUP" '$1 == g { print $3; exit }' etc/group 2>/dev/null)
    if [ -n "$LAUNCHER_GID" ]; then
      chown 0:"$LAUNCHER_GID" "$LAUNCHER"
      chmod 0750 "$LAUNCHER"
    else
      echo "WARNING: netns-exec: group $LAUNCHER_GROUP (etc/default/netns-exec) is not in etc/group; /$LAUNCHER is now root-only (0700): create the group and reinstall the package."
      chown 0:0 "$LAUNCHER"
      chmod 0700 "$LAUNCHER"
    fi
  fi

  SETCAP=""
  for candidate in "$(command -v setcap 2>/dev/null)" /sbin/setcap /usr/sbin/setcap; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then SETCAP="$candidate"; break; fi
  done
  if [ -z "$SETCAP" ]; then
    echo "WARNING: netns-exec: setcap not found (package libcap); netns-exec cannot work until you run: setcap $LAUNCHER_CAPS /$LAUNCHER"
  elif ! "$SETCAP" "$LAUNCHER_CAPS" "$LAUNCHER"; then
    echo "WARNING: netns-exec: setcap failed on /$LAUNCHER (does the filesystem support security xattrs?); run: setcap $LAUNCHER_CAPS /$LAUNCHER"
  fi
fi
