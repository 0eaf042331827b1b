import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, and whether webhooks may reach it.
///
/// Only globally routable unicast addresses are public: webhooks never reach the machine itself, the networks behind
/// it, or addresses that stand for something else (documentation, multicast, reserved). An IPv6 address that carries
/// an IPv4 one (mapped, NAT64, 6to4) is judged by the IPv4 address it carries.
public struct NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address's bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Reads an address written as text (`192.0.2.1`, `::1`, `[::1]`); nil when it is not one.
    public init?(_ text: String) {
        let bare = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, bare, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// An address from its bytes (4 or 16 of them).
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// The address as text.
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var words: [String] = []
        for index in stride(from: 0, to: 16, by: 2) { words.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16)) }
        return words.joined(separator: ":")
    }

    /// What kind of address it is when webhooks may not reach it ("loopback", "private"…); nil for a public one.
    public var restriction: String? {
        bytes.count == 4 ? Self.restriction(v4: bytes) : restriction6
    }

    private var restriction6: String? {
        let embedded: [UInt8]? =
            bytes[0 ..< 10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF ? Array(bytes[12 ..< 16])  // ::ffff:a.b.c.d
            : bytes[0 ..< 12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] ? Array(bytes[12 ..< 16])  // 64:ff9b::/96
            : bytes[0 ..< 6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] ? Array(bytes[12 ..< 16])  // 64:ff9b:1::/48, local NAT64
            : bytes[0] == 0x20 && bytes[1] == 0x02 ? Array(bytes[2 ..< 6])  // 2002::/16
            : nil
        if let embedded { return Self.restriction(v4: embedded) }
        if bytes[0 ..< 15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? "loopback" : "unspecified" }
        if bytes[0 ..< 12].allSatisfy({ $0 == 0 }) { return "reserved" }  // IPv4-compatible (deprecated)
        if bytes[0] == 0xFF { return "multicast" }
        if bytes[0] & 0xFE == 0xFC { return "private" }  // fc00::/7, unique local
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return "link-local" }  // fe80::/10
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return "private" }  // fec0::/10, site-local (deprecated)
        if bytes[0 ..< 4] == [0x20, 0x01, 0x0D, 0xB8] { return "documentation" }  // 2001:db8::/32
        if bytes[0 ..< 2] == [0x01, 0x00] && bytes[2 ..< 8].allSatisfy({ $0 == 0 }) { return "reserved" }  // 100::/64, discard
        if bytes[0 ..< 4] == [0x20, 0x01, 0x00, 0x00] { return "reserved" }  // 2001::/32, Teredo
        if bytes[0 ..< 2] == [0x20, 0x01] && bytes[2] == 0x00 && (bytes[3] == 0x02 && bytes[4 ..< 6].allSatisfy { $0 == 0 } || bytes[3] & 0xF0 == 0x10) {
            return "reserved"  // 2001:2::/48 benchmarking, 2001:10::/28 ORCHID
        }
        return nil
    }

    private static func restriction(v4 b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): return "unspecified"
        case (10, _, _), (172, 16 ... 31, _), (192, 168, _): return "private"
        case (100, 64 ... 127, _): return "shared (carrier-grade NAT)"
        case (127, _, _): return "loopback"
        case (169, 254, _): return "link-local"
        case (192, 0, 0), (198, 18 ... 19, _), (192, 88, 99): return "reserved"
        case (192, 0, 2), (198, 51, 100), (203, 0, 113): return "documentation"
        case (224 ... 239, _, _): return "multicast"
        case (240 ... 255, _, _): return "reserved"
        default: return nil
        }
    }
}
