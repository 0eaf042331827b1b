import Foundation

/// Base64 with the URL alphabet and no padding (RFC 4648 §5), as JWT uses it (RFC 7515 §2): strictly, so one token
/// (or pass, or challenge) has one spelling.
public enum Base64URL {
    /// The bytes in base64url, without padding; byte by byte (every token a guest is given is encoded here).
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return alphabet.withUTF8Buffer { table in
            String(unsafeUninitializedCapacity: (bytes.count * 4 + 2) / 3) { output in
                var written = 0
                var index = 0
                while index + 2 < bytes.count {
                    let value = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                    for shift in [18, 12, 6, 0] { output[written] = table[Int(value >> UInt32(shift) & 63)]; written += 1 }
                    index += 3
                }
                let left = bytes.count - index
                if left > 0 {
                    let value = UInt32(bytes[index]) << 16 | (left == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
                    for shift in [18, 12, 6].prefix(left + 1) { output[written] = table[Int(value >> UInt32(shift) & 63)]; written += 1 }
                }
                return written
            }
        }
    }

    /// The bytes of a base64url text; nil for padding, the standard alphabet's `+` and `/`, any other character, or
    /// unused bits that are not zero (another spelling of the same bytes). Byte by byte: every hold's token and pass is
    /// read here.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = text.utf8
        guard utf8.count % 4 != 1 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in utf8 {
            guard let value = sextet(character) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // What is left are the unused bits of the last character: one spelling has them zero.
        guard accumulator == 0 else { return nil }
        return bytes
    }

    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A") ... UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a") ... UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
