import NIOCore

extension CheckinRequestBody {
    /// Reads the plain form a scanner sends — `{"secret": "…", "nonce": "…", "gate": "…"}` (the gate optional), keys in any
    /// order, strings without escapes or control characters — as `JSONDecoder` would, at a fraction of its cost: every
    /// scan at the door sends one. Anything else (a `scanned_at`, other keys, escapes, duplicates, bad JSON) gives nil,
    /// and the decoder reads the body and words any error.
    init?(plainJSON buffer: ByteBuffer) {
        var reader = PlainJSONReader(bytes: buffer.readableBytesView)
        var secret: String?
        var nonce: String?
        var gate: String?
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = reader.plainString(), reader.consume(UInt8(ascii: ":")), let value = reader.plainString() else { return nil }
            switch key {
            case "secret" where secret == nil: secret = value
            case "nonce" where nonce == nil: nonce = value
            case "gate" where gate == nil: gate = value
            default: return nil
            }
        } while reader.consume(UInt8(ascii: ","))
        guard reader.consume(UInt8(ascii: "}")), reader.atEnd, let secret, let nonce else { return nil }
        self.init(secret: secret, nonce: nonce, gate: gate, scannedAt: nil)
    }
}
