// libFuzzer target: NAT-PMP replies (NATPMP.parse) and the supervisor's
// port-forward record (PortForwardRecord.parse), both untrusted or
// carefully read input, built by fuzz/run.sh with the JailKit sources.
// The first byte picks the request the input is parsed as an answer to;
// the rest is the datagram. Checks: no crash or hang; anything accepted
// has the RFC's length for its opcode and result, answers the request's
// opcode and internal port, and a grant has a port and a lifetime; a
// record's port is 1 to 65535.

@_cdecl("LLVMFuzzerTestOneInput")
public func natpmpTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let datagram = Array(bytes.dropFirst())
    let requests = [
        NATPMP.publicAddressRequest(),
        NATPMP.mapRequest(.udp, internalPort: 40000, suggestedPort: 40000, lifetime: 60),
        NATPMP.mapRequest(.tcp, internalPort: 1, suggestedPort: 0, lifetime: 60),
        NATPMP.mapRequest(.udp, internalPort: 40000, suggestedPort: 0, lifetime: 0),
    ]
    let request = requests[Int(selector) % requests.count]
    if let reply = NATPMP.parse(datagram, answering: request) {
        precondition(datagram[0] == 0 && datagram[1] == 128 + request[1], "a reply to another opcode was accepted")
        switch reply {
        case .publicAddress: precondition(datagram.count == 12, "public address reply of \(datagram.count) bytes")
        case .mapping(_, _, let internalPort, let externalPort, let lifetime):
            precondition(datagram.count == 16 && externalPort != 0 && lifetime != 0, "an empty grant was accepted")
            precondition(internalPort == NATPMP.read16(request, 4), "a grant for another internal port was accepted")
        case .deleted: precondition(datagram.count == 16 && NATPMP.read32(request, 8) == 0, "a deletion reply to a mapping")
        case .refused: precondition(datagram.count == 8 || datagram.count == 12 || datagram.count == 16, "error reply length")
        }
    }
    if let record = PortForwardRecord.parse(bytes) {
        precondition(record.port.map { (1...65535).contains($0) } ?? true, "a record port out of range")
    }
    return 0
}
