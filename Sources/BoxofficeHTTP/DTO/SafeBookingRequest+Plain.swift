import NIOCore

extension SafeBookingRequest {
    /// Reads the plain form of the body — `{"seat_id": 7, "user_identifier": "alice", "pay": true}` (the name and `pay` optional), keys in any order,
    /// the id a number or a string of digits, the name without escapes or control characters — as
    /// `JSONDecoder` would, at a fraction of its cost. Anything else (other keys, escapes, duplicates, bad
    /// JSON) gives nil, and the decoder reads the body and words any error.
    init?(plainJSON buffer: ByteBuffer) {
        var reader = PlainJSONReader(bytes: buffer.readableBytesView)
        var seat: Int64?
        var user: String?
        var pay: Bool?
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = reader.plainString() else { return nil }
            guard reader.consume(UInt8(ascii: ":")) else { return nil }
            switch key {
            case "seat_id" where seat == nil:
                guard let value = reader.integer() ?? reader.plainString().flatMap(Self.digits) else { return nil }
                seat = value
            case "user_identifier" where user == nil:
                guard let value = reader.plainString() else { return nil }
                user = value
            case "pay" where pay == nil:
                guard let value = reader.boolean() else { return nil }
                pay = value
            default:
                return nil
            }
        } while reader.consume(UInt8(ascii: ","))
        guard reader.consume(UInt8(ascii: "}")), reader.atEnd, let seat else { return nil }
        self.init(seatId: LenientID(value: seat), userIdentifier: user, pay: pay)
    }

    private static func digits(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int64(text)
    }
}

/// A cursor over JSON bytes that reads only the plain forms the fast paths accept.
struct PlainJSONReader {
    let bytes: ByteBufferView
    var index: ByteBufferView.Index

    init(bytes: ByteBufferView) {
        self.bytes = bytes
        self.index = bytes.startIndex
    }

    private mutating func skipSpace() {
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Whether only whitespace is left.
    var atEnd: Bool {
        mutating get {
            skipSpace()
            return index == bytes.endIndex
        }
    }

    /// Takes one punctuation byte if it comes next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `true` or `false`.
    mutating func boolean() -> Bool? {
        skipSpace()
        for (word, value) in [("true", true), ("false", false)] {
            let bytes = Array(word.utf8)
            guard self.bytes.distance(from: index, to: self.bytes.endIndex) >= bytes.count,
                self.bytes[index ..< self.bytes.index(index, offsetBy: bytes.count)].elementsEqual(bytes)
            else { continue }
            index = self.bytes.index(index, offsetBy: bytes.count)
            return value
        }
        return nil
    }

    /// A string without escapes or control characters, as valid UTF-8.
    mutating func plainString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] >= 0x20, bytes[index] != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index < bytes.endIndex else { return nil }
        let text = String(validating: bytes[start ..< index], as: UTF8.self)
        index += 1
        return text
    }

    /// An integer without sign, fraction or exponent that fits in 64 bits.
    mutating func integer() -> Int64? {
        skipSpace()
        let start = index
        while index < bytes.endIndex, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        let leadingZero = index - start > 1 && bytes[start] == UInt8(ascii: "0")
        guard index > start, !leadingZero, index == bytes.endIndex || ![UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) else {
            index = start
            return nil
        }
        guard let value = Int64(String(decoding: bytes[start ..< index], as: UTF8.self)) else {
            index = start
            return nil
        }
        return value
    }
}
