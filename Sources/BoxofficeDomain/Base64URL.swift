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
    /// unused bits that are not zero (another spelling of the same bytes).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard text.utf8.allSatisfy(isURLAlphabet) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let bytes = Data(base64Encoded: base64).map(Array.init), encode(bytes) == String(text) else { return nil }
        return bytes
    }

    private static func isURLAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "0") ... UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
