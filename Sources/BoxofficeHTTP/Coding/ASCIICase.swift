/// Case-insensitive comparison of ASCII bytes, for header values read on the event loop.
enum ASCIICase {
    /// Whether `bytes` starts with `lowercased` (ASCII letters in either case).
    static func hasPrefix(_ bytes: some Collection<UInt8>, _ lowercased: String.UTF8View) -> Bool {
        bytes.count >= lowercased.count && zip(bytes, lowercased).allSatisfy { lower($0) == $1 }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A") ... UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
