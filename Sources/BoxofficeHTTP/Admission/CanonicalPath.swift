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

    /// Reads the path of a request target (`/api/events?x=1`); nil when it is not canonical. One pass over its bytes,
    /// no allocation for a short path: every request of a flash sale comes through here.
    public init?(target: String) {
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        guard path.utf8.first == UInt8(ascii: "/"), Self.isCanonical(path.utf8) else { return nil }
        text = String(path)
    }

    /// Whether the path is under `/api/`.
    public var isAPI: Bool { text.utf8.starts(with: "/api/".utf8) }

    /// Its segments, without the empty one of a trailing `/`.
    public var segments: [Substring] { text.dropFirst().split(separator: "/") }

    /// The segments after `api`, for an API path.
    public var apiSegments: ArraySlice<Substring> { isAPI ? segments.dropFirst() : [] }

    /// Whether the path starts with `prefix` (such as `/api/auth/`).
    public func starts(with prefix: String) -> Bool { text.utf8.starts(with: prefix.utf8) }

    /// Segments neither empty (but a trailing `/` outside `/api`), `.` nor `..`; no backslash, no control or non-ASCII
    /// byte, and no percent-encoded `/`, `\`, `.` or control byte.
    private static func isCanonical(_ bytes: Substring.UTF8View) -> Bool {
        var segment = 0
        var dots = 0
        var iterator = bytes.dropFirst().makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "/"):
                guard segment > 0, dots != segment || segment > 2 else { return false }
                segment = 0
                dots = 0
                continue
            case 0 ..< 0x21, 0x7F..., UInt8(ascii: "\\"): return false
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return false }
                let decoded = high << 4 | low
                if decoded < 0x21 || decoded == 0x7F || decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\") || decoded == UInt8(ascii: ".") {
                    return false
                }
            default: break
            }
            segment += 1
        }
        if segment == 0 {
            // A trailing `/`: `/` itself, or a folder of the web app (`/docs/`); never an API path.
            return bytes.count == 1 || !bytes.starts(with: "/api/".utf8)
        }
        return dots != segment || segment > 2
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
