import Testing
import NetnsPolicy
@testable import JailKit

/// A provider-style .ovpn, as handed out: CRLF lines, hooks for
/// update-resolv-conf, several servers, inline material (made-up base64:
/// the parser checks the PEM shape, OpenVPN the contents).
enum OVPN {
    static let pem = "MIIBszCCAVmgAwIBAgIUQm9ndXNDZXJ0aWZpY2F0ZUZvclRlc3RzMAoGCCqGSM49\nBAMCMBIxEDAOBgNVBAMMB1Rlc3QgQ0EwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAx\n"
    static let staticKey = "6acef03f62675b4b1bbd03e53b187727\n423cac742242dd6a2a0cd2f0fa2d8bd3\n"

    static func block(_ tag: String, _ label: String, _ body: String = pem) -> String {
        "<\(tag)>\n-----BEGIN \(label)-----\n\(body)-----END \(label)-----\n</\(tag)>\n"
    }

    static let provider = """
        # Provider X, server pool
        client
        dev tun
        proto udp
        remote 198.51.100.1 1194
        remote 198.51.100.2 443 tcp
        remote vpn.example.test 1194
        remote-random
        resolv-retry infinite
        nobind
        persist-key
        persist-tun
        cipher AES-256-GCM
        data-ciphers AES-256-GCM:CHACHA20-POLY1305
        auth SHA256
        remote-cert-tls server
        verify-x509-name "Provider X Server" name
        script-security 2
        up /etc/openvpn/update-resolv-conf
        down /etc/openvpn/update-resolv-conf
        auth-user-pass
        verb 3
        key-direction 1

        """ + block("ca", "CERTIFICATE") + block("tls-crypt", "OpenVPN Static key V1", staticKey)

    static let file = "/etc/openvpn/provider.ovpn"

    static func parse(_ text: String) throws(ConfigFailure) -> OpenVPNConfig {
        try OpenVPNConfig.parse(text: text, file: file)
    }

    static func errors(_ text: String) -> [String] {
        do { _ = try parse(text); return [] } catch { return error.diagnostics.map(\.description) }
    }

    /// The smallest file that parses, with `extra` lines after the remote.
    static func minimal(_ extra: String) -> String {
        "remote 198.51.100.1 1194\n\(extra)\nauth-user-pass\n" + block("ca", "CERTIFICATE")
    }
}

@Suite struct OpenVPNParserTests {
    @Test func parsesAProviderFileAsHandedOut() throws {
        let crlf = OVPN.provider.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        let config = try OVPN.parse("\u{FEFF}" + crlf)
        #expect(config.remotes == [
            .init(host: "198.51.100.1", port: 1194, proto: nil),
            .init(host: "198.51.100.2", port: 443, proto: "tcp"),
            .init(host: "vpn.example.test", port: 1194, proto: nil),
        ])
        #expect(config.proto == "udp")
        #expect(config.protocols == ["udp", "tcp"])
        #expect(config.credentials == .asked(providerFile: nil, line: 21))
        #expect(config.material[.ca] == "-----BEGIN CERTIFICATE-----\n\(OVPN.pem)-----END CERTIFICATE-----\n")
        #expect(config.material[.tlsCrypt] != nil)
        #expect(config.options.map { $0[0] } == ["remote-random", "resolv-retry", "cipher", "data-ciphers", "auth",
                                                  "remote-cert-tls", "verify-x509-name", "key-direction"])
        #expect(config.options.contains(["verify-x509-name", "Provider X Server", "name"]))
    }

    @Test func hookLinesAreIgnoredWithOneWarningEach() throws {
        let config = try OVPN.parse(OVPN.provider)
        #expect(config.warnings.map(\.description) == [
            "\(OVPN.file):18: ignoring 'script-security': \(OpenVPNDirective.runsProgram)",
            "\(OVPN.file):19: ignoring 'up': \(OpenVPNDirective.runsProgram)",
            "\(OVPN.file):20: ignoring 'down': \(OpenVPNDirective.runsProgram)",
        ])
    }

    /// Every directive of the issue's list, each form, is never passed on:
    /// ignored with a warning naming it, or refused.
    @Test(arguments: [
        "up /tmp/x", "down /tmp/x", "route-up /tmp/x", "route-pre-down /tmp/x", "ipchange /tmp/x",
        "plugin /usr/lib/evil.so", "script-security 3", "tls-verify /tmp/x", "auth-user-pass-verify /tmp/x via-env",
        "learn-address /tmp/x", "client-connect /tmp/x", "client-disconnect /tmp/x", "config /etc/other.conf",
        "cd /tmp", "chroot /tmp", "daemon", "log /tmp/log", "log-append /etc/passwd", "status /etc/shadow 1",
        "writepid /etc/passwd", "management 127.0.0.1 7505", "dev-node /dev/mem", "tmp-dir /tmp", "setenv PATH /tmp",
        "iproute /tmp/ip", "route 0.0.0.0 0.0.0.0", "redirect-gateway def1", "ifconfig 10.0.0.2 10.0.0.1",
        "dhcp-option DNS 192.0.2.53", "pull-filter accept route", "--up /tmp/x", "up-restart", "crl-verify /tmp/crl",
        "replay-persist /etc/passwd", "engine dynamic", "user root", "group root", "dev-type tun",
        "nosuchdirective at all", "UP /tmp/x", "route-noexec", "ping-exit 5", "lport 53",
    ])
    func programFileAndHostDirectivesNeverPass(_ line: String) throws {
        let config = try OVPN.parse(OVPN.minimal(line))
        let name = String(line.split(separator: " ")[0].drop { $0 == "-" })
        #expect(!config.options.contains { $0[0] == name })
        let written = OpenVPNClientFile(config: config, source: OVPN.file, interface: InterfaceName("tun0")!,
                                        credentials: OpenVPNCredentials(user: "u", password: "p"), user: "nobody", group: "nogroup", hook: "/proc/self/fd/3 openvpn-up vpn tun0",
                                        credentialsFile: "/run/netns-jail/vpn.openvpn.auth").text
        let provider = written.components(separatedBy: "# netns-jail's own options")[0]
        #expect(!provider.contains(line.drop { $0 == "-" }), "\(line) reached OpenVPN's file")
        #expect(!provider.contains("/tmp") && !provider.contains("/etc/passwd"))
        if !OpenVPNDirective.ours.contains(name) {
            #expect(config.warnings.count == 1)
            #expect(config.warnings.first?.description.contains("ignoring '\(name)'") == true)
        } else {
            #expect(config.warnings.isEmpty)
        }
    }

    @Test(arguments: [
        ("dev tap", "only tun devices"), ("dev-type tap", "only 'dev-type tun'"),
        ("ca /etc/openvpn/ca.crt", "ca names a file and the config has a <ca> block too"), ("tls-auth ta.key 2", "direction is 0 or 1"),
        ("tls-crypt \"t c.key\"", "holds a quote, backslash or blank"), ("tls-crypt a.key b.key", "one file name"),
        ("secret static.key", "static-key mode"),
        ("http-proxy 192.0.2.9 3128", "proxy"), ("socks-proxy 192.0.2.9 1080", "proxy"),
        ("askpass /etc/pass", "encrypted private key"), ("server 10.8.0.0 255.255.255.0", "server config"),
        ("pkcs12 bundle.p12", "PKCS#12"), ("<connection>\nremote 198.51.100.9\n</connection>", "<connection>"),
        ("<auth-user-pass>\nme\nsecret\n</auth-user-pass>", "openvpn-auth"),
        ("proto sctp", "proto takes"), ("remote 198.51.100.1 99999", "remote port"),
        ("remote 198.51.100.1 1194 icmp", "remote protocol"), ("remote -evil", "not an IP address"),
        ("remote a;b", "not an IP address"), ("cipher \"AES 256\"", "cipher takes"),
        ("verify-x509-name \"a\\\"b\" name", "verify-x509-name"), ("tun-mtu 10", "tun-mtu takes"),
        ("remote-cert-tls client", "remote-cert-tls takes"), ("auth-user-pass a b", "at most a file"),
        ("data-ciphers \"AES-256-GCM\nup /tmp/x\"", "quote is not closed"), ("key-direction 2", "key-direction takes"),
        ("remote 198.51.100.1 \"1194", "quote is not closed"), ("nobind\\", "backslash"),
    ])
    func refusesWhatCannotBeIgnoredSafely(_ line: String, _ expected: String) {
        let errors = OVPN.errors(OVPN.minimal(line))
        #expect(errors.count >= 1, "\(line) was accepted")
        #expect(errors.contains { $0.contains(expected) }, "\(errors)")
        #expect(errors.allSatisfy { $0.hasPrefix(OVPN.file + ":") })
    }

    /// Files beside the .ovpn, as providers ship them: recorded with their
    /// line (ConfigLoader reads them; OpenVPNMaterialFile), never written
    /// into OpenVPN's file as names.
    @Test func filesNamedForKeysAreRecordedNotPassed() throws {
        let text = "remote 198.51.100.1 1194\nca ca.crt\ncert /etc/openvpn/client.crt\nkey client.key\ntls-auth ta.key 1\n"
        let config = try OVPN.parse(text)
        #expect(config.materialFiles[.ca] == OpenVPNConfig.FileReference(path: "ca.crt", line: 2))
        #expect(config.materialFiles[.cert]?.path == "/etc/openvpn/client.crt")
        #expect(config.materialFiles[.key]?.line == 4)
        #expect(config.materialFiles[.tlsAuth]?.path == "ta.key")
        #expect(config.tlsAuthDirection == "1")
        #expect(config.material.isEmpty && config.options.isEmpty)
        #expect(OpenVPNMaterialFile.resolve("ca.crt", besides: "/etc/openvpn/p/x.ovpn") == "/etc/openvpn/p/ca.crt")
        #expect(OpenVPNMaterialFile.resolve("../k/ta.key", besides: "/etc/openvpn/x.ovpn") == "/etc/openvpn/../k/ta.key")
        #expect(OpenVPNMaterialFile.resolve("/srv/ca.crt", besides: "/etc/openvpn/x.ovpn") == "/srv/ca.crt")
        #expect(OVPN.errors("remote 198.51.100.1\nca ca.crt\ncert c.crt\n").contains { $0.contains("cert and key go together") })
        #expect(OVPN.errors("remote 198.51.100.1\nauth-user-pass\n").contains { $0.contains("no <ca> block and no 'ca FILE'") })
    }

    @Test func hostileBytesAreRefusedWithTheirLine() {
        for (bytes, expected) in [([0x72, 0x65, 0x6D, 0x00], "NUL"), ([0x63, 0x69, 0x70, 0x68, 0x65, 0x72, 0x20, 0xC3, 0xA9], "unexpected byte"),
                                  (Array(repeating: UInt8(ascii: "a"), count: 5000), "longer than"),
                                  (Array("cipher \"a\u{1B}]52\"".utf8), "control")] as [([UInt8], String)] {
            let text = Array("remote 198.51.100.1\nauth-user-pass\n".utf8) + bytes + Array(("\n" + OVPN.block("ca", "CERTIFICATE")).utf8)
            do {
                _ = try OpenVPNConfig.parse(bytes: text, file: OVPN.file)
                Issue.record("accepted \(expected)")
            } catch {
                #expect(error.diagnostics.count == 1)
                #expect(error.diagnostics[0].line == 3)
                #expect(error.diagnostics[0].message.contains(expected), "\(error.diagnostics)")
            }
        }
    }

    @Test func commentsMayHoldAnything() throws {
        let config = try OVPN.parse(OVPN.minimal("# Serveur à Paris; up /tmp/x\n; down /tmp/x\ncipher AES-256-GCM # the data cipher"))
        #expect(config.warnings.isEmpty)
        #expect(config.options == [["cipher", "AES-256-GCM"]])
    }

    @Test func inlineBlocksAreCheckedAndRewritten() throws {
        let key = OVPN.block("key", "PRIVATE KEY")
        let cert = "<cert>\nCertificate:\n    Data: openssl's text dump is dropped\n-----BEGIN CERTIFICATE-----\n\(OVPN.pem)-----END CERTIFICATE-----\n</cert>\n"
        let config = try OVPN.parse("remote 198.51.100.1\n" + OVPN.block("ca", "CERTIFICATE") + cert + key
                                    + "tls-auth [inline] 1\n" + OVPN.block("tls-auth", "OpenVPN Static key V1", OVPN.staticKey)
                                        .replacingOccurrences(of: "<tls-auth>\n", with: "<tls-auth>\n#\n# 2048 bit OpenVPN static key\n#\n"))
        #expect(config.material[.cert] == "-----BEGIN CERTIFICATE-----\n\(OVPN.pem)-----END CERTIFICATE-----\n")
        #expect(config.material[.tlsAuth]?.contains("#") == false)
        #expect(config.tlsAuthDirection == "1")
        #expect(config.credentials == .notAsked)
    }

    @Test(arguments: [
        ("<key>\n-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n</key>", "holds 'ENCRYPTED PRIVATE KEY'"),
        ("<key>\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----\n</key>", "encrypted"),
        ("<ca>\n-----BEGIN CERTIFICATE-----\nAAAA\n</ca>", "no END"),
        ("<ca>\nnothing here\n</ca>", "no -----BEGIN"),
        ("<ca>\n-----BEGIN CERTIFICATE-----\nAA AA\n-----END CERTIFICATE-----\n</ca>", "not base64"),
        ("<ca>\n-----BEGIN CERTIFICATE-----\n</ca>\nup /tmp/x\n-----END CERTIFICATE-----\n</ca>", "no END"),
        ("<tls-crypt>\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n</tls-crypt>", "holds 'CERTIFICATE'"),
        ("<ca>\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "has no </ca>"),
    ])
    func refusesBadBlocks(_ block: String, _ expected: String) {
        let errors = OVPN.errors("remote 198.51.100.1\nauth-user-pass\n" + OVPN.block("cert", "CERTIFICATE") + OVPN.block("key", "PRIVATE KEY").replacingOccurrences(of: "<key>", with: "<extra-certs>").replacingOccurrences(of: "</key>", with: "</extra-certs>").replacingOccurrences(of: "PRIVATE KEY", with: "CERTIFICATE") + block)
        #expect(errors.contains { $0.contains(expected) }, "\(errors)")
    }

    @Test func unknownBlocksAreIgnoredWithAWarning() throws {
        let config = try OVPN.parse(OVPN.minimal("<dh>\n-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n</dh>\n<whatever>\nup /tmp/x\n</whatever>"))
        #expect(config.warnings.map(\.message) == ["ignoring <dh>: \(OpenVPNDirective.opensFile)", "ignoring <whatever>: \(OpenVPNDirective.unknown)"])
    }

    @Test func wholeFileChecks() {
        #expect(OVPN.errors("auth-user-pass\n" + OVPN.block("ca", "CERTIFICATE")).contains { $0.contains("no 'remote' line") })
        #expect(OVPN.errors("remote 198.51.100.1\nauth-user-pass\n").contains { $0.contains("no <ca> block and no 'ca FILE'") })
        #expect(OVPN.errors("remote 198.51.100.1\n" + OVPN.block("ca", "CERTIFICATE")).contains { $0.contains("no client cert and key") })
        #expect(OVPN.errors(OVPN.minimal(OVPN.block("cert", "CERTIFICATE"))).contains { $0.contains("has only the cert") })
        #expect(OVPN.errors(OVPN.minimal(OVPN.block("tls-auth", "OpenVPN Static key V1", OVPN.staticKey) + OVPN.block("tls-crypt", "OpenVPN Static key V1", OVPN.staticKey)))
                    .contains { $0.contains("not several") })
        #expect(OVPN.errors(OVPN.minimal(OVPN.block("ca", "CERTIFICATE"))).contains { $0.contains("<ca> appears twice") })
        #expect(OVPN.errors(String(repeating: "remote 198.51.100.1\n", count: 65) + "auth-user-pass\n" + OVPN.block("ca", "CERTIFICATE"))
                    .contains { $0.contains("more than 64") })
        #expect(OVPN.errors("").count == 3)
    }

    @Test func errorsAreCollectedAndBounded() {
        let text = String(repeating: "proto sctp\n", count: 80)
        let errors = OVPN.errors(text)
        #expect(errors.count == OpenVPNParser.maximumErrors + 1 + 3 || errors.count == OpenVPNParser.maximumErrors + 4)
        #expect(errors.contains { $0.contains("too many errors") })
    }
}
