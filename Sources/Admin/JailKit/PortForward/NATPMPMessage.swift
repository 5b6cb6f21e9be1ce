/// NAT-PMP messages (RFC 6886), built and parsed as bytes.
///
/// Every reply comes from the network: from the provider's gateway, but
/// also from anything else that can put a datagram on the jail's side of
/// the tunnel. The parser is therefore strict and total: it checks the
/// version, that the opcode answers the request we sent, the exact length
/// for that opcode and result, and the value ranges, and returns nil for
/// anything else, which the client treats as noise (the request is then
/// retransmitted or times out). Nothing in a reply is ever used as a
/// length, an index or text.
public enum NATPMP {
    /// The gateway's NAT-PMP port (RFC 6886 section 3.1).
    public static let serverPort: UInt16 = 5351

    public enum Transport: UInt8, Sendable, CaseIterable, CustomStringConvertible {
        case udp = 1, tcp = 2
        public var description: String { self == .udp ? "UDP" : "TCP" }
    }

    /// RFC 6886 section 3.5.
    public enum ResultCode: UInt16, Sendable, CustomStringConvertible {
        case success = 0, unsupportedVersion, notAuthorized, networkFailure, outOfResources, unsupportedOpcode

        public var description: String {
            switch self {
            case .success: "success"
            case .unsupportedVersion: "unsupported version"
            case .notAuthorized: "not authorized or refused"
            case .networkFailure: "network failure (the gateway has no public address yet)"
            case .outOfResources: "out of resources (no port left)"
            case .unsupportedOpcode: "unsupported opcode"
            }
        }
    }

    public enum Response: Equatable, Sendable {
        /// Opcode 128: the gateway's public address.
        case publicAddress(epoch: UInt32, address: [UInt8])
        /// Opcode 129/130, result 0: a mapping the gateway granted.
        case mapping(epoch: UInt32, transport: Transport, internalPort: UInt16, externalPort: UInt16, lifetime: UInt32)
        /// Opcode 129/130, result 0, to a request with lifetime 0: deleted.
        case deleted(epoch: UInt32, transport: Transport, internalPort: UInt16)
        /// Any opcode, result not 0.
        case refused(epoch: UInt32, code: ResultCode)

        public var epoch: UInt32 {
            switch self {
            case .publicAddress(let e, _), .mapping(let e, _, _, _, _), .deleted(let e, _, _), .refused(let e, _): e
            }
        }
    }

    public static func publicAddressRequest() -> [UInt8] { [0, 0] }

    /// A mapping request; lifetime 0 asks for the mapping's deletion (and
    /// then the suggested port must be 0, section 3.4).
    public static func mapRequest(_ transport: Transport, internalPort: UInt16, suggestedPort: UInt16, lifetime: UInt32) -> [UInt8] {
        [0, transport.rawValue, 0, 0] + bigEndian16(internalPort) + bigEndian16(lifetime == 0 ? 0 : suggestedPort)
            + bigEndian32(lifetime)
    }

    /// The reply to `request` in `bytes`, or nil when `bytes` is not one.
    public static func parse(_ bytes: [UInt8], answering request: [UInt8]) -> Response? {
        guard request.count >= 2, bytes.count >= 8, bytes[0] == 0, bytes[1] == 128 &+ request[1] else { return nil }
        guard let code = ResultCode(rawValue: UInt16(bytes[2]) << 8 | UInt16(bytes[3])) else { return nil }
        let epoch = read32(bytes, 4)
        let opcode = request[1]
        let fullLength = opcode == 0 ? 12 : 16
        if code != .success {
            // A gateway may answer an error with the header alone.
            guard bytes.count == 8 || bytes.count == fullLength else { return nil }
            return .refused(epoch: epoch, code: code)
        }
        guard bytes.count == fullLength else { return nil }
        if opcode == 0 { return .publicAddress(epoch: epoch, address: Array(bytes[8..<12])) }
        guard let transport = Transport(rawValue: opcode), request.count == 12 else { return nil }
        let internalPort = read16(bytes, 8), externalPort = read16(bytes, 10), lifetime = read32(bytes, 12)
        // A reply about another internal port is not ours.
        guard internalPort == read16(request, 4) else { return nil }
        if read32(request, 8) == 0 {
            guard lifetime == 0 else { return nil }
            return .deleted(epoch: epoch, transport: transport, internalPort: internalPort)
        }
        // A granted mapping has a port and a lifetime.
        guard externalPort != 0, lifetime != 0 else { return nil }
        return .mapping(epoch: epoch, transport: transport, internalPort: internalPort, externalPort: externalPort, lifetime: lifetime)
    }

    static func bigEndian16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func bigEndian32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    static func read16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) << 8 | UInt16(b[at + 1]) }
    static func read32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) << 24 | UInt32(b[at + 1]) << 16 | UInt32(b[at + 2]) << 8 | UInt32(b[at + 3])
    }
}

/// The gateway's "seconds since start of epoch" (RFC 6886 section 3.6):
/// a gateway that restarted, or lost its mappings for any other reason,
/// reports less time than can have passed since its previous reply, and
/// every mapping must then be requested again at once.
public struct NATPMPEpoch: Sendable {
    private var last: (seconds: UInt32, at: Double)?

    public init() {}

    /// Records a reply's epoch received at `now` (monotonic seconds); true
    /// when it shows the gateway lost its state. The expectation is the
    /// previous value plus 7/8 of the time elapsed on our clock, less 2
    /// seconds of slack, as the RFC prescribes.
    public mutating func observe(_ seconds: UInt32, now: Double) -> Bool {
        defer { last = (seconds, now) }
        guard let last else { return false }
        let expected = Double(last.seconds) + (now - last.at) * 7 / 8
        return Double(seconds) < expected - 2
    }
}
