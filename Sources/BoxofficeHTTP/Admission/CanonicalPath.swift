/// The one spelling of a request's path that every later rule sees.
///
/// The router ignores empty segments (`//api/…` reaches `/api/…`), so a rule that tested the raw path could be
/// walked around by spelling it another way. A path is canonical when it starts with `/`, has no empty segment
/// (but a trailing `/` outside `/api`, where folders of the web app are served), no `.` or `..` segment, no
/// backslash, no control or non-ASCII byte and no percent-encoding of `/`, `\`, `.` or a control byte (`%2F`, `%5C`, `%2E`,
/// `%00`). Anything else is refused (`400`) before any rule looks at it.
public struct CanonicalPath: Sendable, Equatable {
    /// The path, without its query.
    public let text: String
    /// Its segments, without the empty one of a trailing `/`.
    public let segments: [Substring]

    /// Reads the path of a request target (`/api/events?x=1`); nil when it is not canonical.
    public init?(target: String) {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard path.first == "/", Self.bytesAreCanonical(path.utf8) else { return nil }
        var segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if segments.last == "" {
            // `/` itself, and a folder of the web app (`/docs/`); never an API path.
            guard segments.count == 1 || segments.first != Self.api else {
                return nil
            }
            segments.removeLast()
        }
        guard segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else { return nil }
        text = String(path)
        self.segments = segments
    }

    /// Whether the path is under `/api/`.
    public var isAPI: Bool { segments.first == Self.api }

    /// The segments after `api`, for an API path.
    public var apiSegments: ArraySlice<Substring> { isAPI ? segments.dropFirst() : [] }

    static let api: Substring = "api"

    /// No backslash, no control or non-ASCII byte, and no percent-encoded `/`, `\`, `.` or control byte.
    private static func bytesAreCanonical(_ bytes: Substring.UTF8View) -> Bool {
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case 0 ..< 0x21, 0x7F..., UInt8(ascii: "\\"): return false
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return false }
                let decoded = high << 4 | low
                if decoded < 0x21 || decoded == 0x7F || decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") || decoded == UInt8(ascii: ".") {
                    return false
                }
            default: continue
            }
        }
        return true
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
