# netns-exec — see README.md. Targets:
#   make build      release build of netns-exec and netns-jail (installs no packages;
#                   make deps / make test-deps install what building / testing needs)
#   make test       unit tests, then the privileged suites (needs root)
#   make test-host  the same without the guest-kernel matrix (quicker, to iterate)
#   make demo       a jailed program reaching a simulated internet through WireGuard
#   make install    into $(DESTDIR)$(PREFIX); as root it also applies the file capabilities
#   make uninstall
#   make bench | bench-steps | package | fuzz   (see README.md)
#   make guest-test the privileged suites inside Debian kernels in qemu (Tests/Guest)

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/man
LIBEXECDIR ?= $(PREFIX)/libexec
VERSION    := $(shell cat VERSION)

SWIFT      ?= swift
# netns-exec, the privileged launcher, is Embedded Swift built by
# scripts/build-launcher.sh (no Swift runtime; its size is in docs/BENCHMARKS.md).
# netns-jail is built by scripts/build-jail.sh (SwiftPM, release flags and
# why, shared with the SlackBuild). Both read the version from VERSION.
# Neither script installs packages: only deps, test-deps, test and demo do.
LAUNCHER   := bash scripts/build-launcher.sh
JAIL       := bash scripts/build-jail.sh $(CURDIR)/.build $(CURDIR)/.build-link
BIN        := .build/release
# The test build reads /run/netns-exec-test/netns-exec.conf instead of
# /etc/netns-exec.conf. The path is fixed at compile time; there is no
# runtime switch in any build.
TEST_BIN   := .build-test/release
# Only CAP_SYS_ADMIN: setns, unshare(CLONE_NEWNS) and mount need it and
# nothing needs CAP_NET_ADMIN (SECURITY.md, "Capabilities").
CAPS       := cap_sys_admin+ep

.PHONY: all deps test-deps build test-build test unit-test integration-test \
        install install-man uninstall demo bench bench-steps bench-jail bench-session package fuzz clean pause-build check-deps \
        guest-test test-host

all: build

deps:
	@scripts/deps.sh

test-deps:
	@scripts/deps.sh --test

# What building needs, checked only: a missing package is named, never
# installed (make deps installs it).
check-deps:
	@scripts/deps.sh --check

build: check-deps
	SWIFT=$(SWIFT) $(JAIL)
	$(LAUNCHER) $(BIN)
	@ls -l $(BIN)/netns-exec $(BIN)/netns-jail

test-build: check-deps
	$(LAUNCHER) $(TEST_BIN) -DNETNS_EXEC_TEST_BUILD

unit-test: check-deps
	$(SWIFT) test

# A test build that stops itself (SIGSTOP) while it still holds its
# capability, for Tests/Escape/50-privileges.sh to show the caller cannot
# ptrace it then. Compile-time flag only; never installed.
pause-build: check-deps
	$(LAUNCHER) .build-pause/release -DNETNS_EXEC_TEST_BUILD -DNETNS_EXEC_PAUSE_WHILE_PRIVILEGED

integration-test: test-deps build test-build pause-build
	Tests/run-suites.sh

# Tests/Guest/10-kernels.sh alone (make test runs it too): the suites in
# Debian's 6.1, 6.12 and 5.10 kernels booted in qemu, see Tests/Guest/README.md.
guest-test: test-deps build test-build pause-build
	Tests/run-suites.sh Tests/Guest/10-kernels.sh

test: test-deps build test-build pause-build unit-test
	Tests/run-suites.sh

# make test without the guest-kernel matrix: the loop to iterate with
# (the host's suites only; make guest-test runs the matrix alone).
test-host: test-deps build test-build pause-build unit-test
	Tests/run-suites.sh --host

install: build install-man
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN)/netns-exec $(DESTDIR)$(BINDIR)/netns-exec
	install -m 0755 $(BIN)/netns-jail $(DESTDIR)$(BINDIR)/netns-jail
	install -d $(DESTDIR)$(LIBEXECDIR)/netns-jail
	install -m 0755 hooks/qbittorrent-port $(DESTDIR)$(LIBEXECDIR)/netns-jail/qbittorrent-port
	@# The relay's own user (SECURITY.md, "Where the relay runs"): created on
	@# this machine when installing into it as root; a DESTDIR install is a
	@# package's, whose install script creates it.
	@if [ "$$(id -u)" -eq 0 ] && [ -z "$(DESTDIR)" ] && ! getent passwd netns-relay >/dev/null; then \
	    { getent group netns-relay >/dev/null || groupadd -r netns-relay; } && \
	    useradd -r -g netns-relay -d / -s /bin/false -c "netns-jail relay" netns-relay && \
	    echo "created the system user netns-relay (the relay of publish and host-service lines runs as it)"; \
	elif [ -n "$(DESTDIR)" ] || [ "$$(id -u)" -ne 0 ]; then \
	    getent passwd netns-relay >/dev/null || echo "note: publish and host-service lines need the system user netns-relay; as root run: groupadd -r netns-relay && useradd -r -g netns-relay -d / -s /bin/false netns-relay"; \
	fi
	@if [ "$$(id -u)" -eq 0 ]; then \
	    chown root:root $(DESTDIR)$(BINDIR)/netns-exec && \
	    setcap $(CAPS) $(DESTDIR)$(BINDIR)/netns-exec && \
	    getcap $(DESTDIR)$(BINDIR)/netns-exec; \
	else \
	    echo "note: not root, so no capabilities were applied; as root run:"; \
	    echo "      setcap $(CAPS) $(DESTDIR)$(BINDIR)/netns-exec"; \
	fi

# The pages hold @VERSION@ where the version goes; VERSION is its one home
# (Tests/Integration/05-docs.sh installs them and reads the version back).
install-man:
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for page in man/*.[1-8]; do \
	    out=$(DESTDIR)$(MANDIR)/man$${page##*.}/$${page#man/}; \
	    sed 's/@VERSION@/$(VERSION)/g' "$$page" >"$$out" && chmod 0644 "$$out" || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/netns-exec $(DESTDIR)$(BINDIR)/netns-jail
	rm -f $(DESTDIR)$(LIBEXECDIR)/netns-jail/qbittorrent-port
	-rmdir $(DESTDIR)$(LIBEXECDIR)/netns-jail
	rm -f $(DESTDIR)$(MANDIR)/man1/netns-exec.1 $(DESTDIR)$(MANDIR)/man1/netns-jail-settings.1 $(DESTDIR)$(MANDIR)/man5/netns-exec.conf.5
	rm -f $(DESTDIR)$(MANDIR)/man5/netns-jail.conf.5 $(DESTDIR)$(MANDIR)/man8/netns-jail.8

demo: test-deps build
	bash demo/demo.sh

bench: test-deps build
	bash bench/bench.sh

# What each launch step costs (the C reference with one step left out).
bench-steps: test-deps build
	bash bench/steps.sh

# netns-jail up/down/status against the test topology, next to the seed recipe.
bench-jail: test-deps build
	bash bench/sections/10-wireguard-jail.sh

# What the jail session (its own home, runtime directory and bus) costs a
# launch, against the same launch without it: one section of make bench.
bench-session: test-deps build
	bash bench/sections/40-session.sh

package: build
	bash packaging/slackware/make-package.sh

fuzz:
	bash fuzz/run.sh

clean:
	rm -rf .build .build-test .build-pause .build-filter .build-link build
