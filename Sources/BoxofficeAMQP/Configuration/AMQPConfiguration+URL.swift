extension AMQPConfiguration {
    /// Parses `amqp://user:password@host:port/vhost?heartbeat=10`, percent-decoding each part.
    ///
    /// A missing user or password is `guest`, a missing port 5672, an empty path the virtual host `/` (also written `%2f`).
    /// The query may set `heartbeat` (seconds), `frame_max`, `channel_max`, `connection_timeout` (milliseconds) and
    /// `connection_name`.
    /// - Parameter url: The URL; `amqps` is refused, since this client has no TLS.
    public init(url: String) throws(AMQPConfigurationError) {
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw AMQPConfigurationError("the URL does not start with amqp://")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "amqp" else {
            if scheme == "amqps" {
                throw AMQPConfigurationError("amqps (TLS) is not supported; use amqp://")
            }
            throw AMQPConfigurationError("the scheme '\(scheme)' is not amqp")
        }
        var rest = url[schemeEnd.upperBound...]
        guard !rest.contains("#") else {
            throw AMQPConfigurationError("the URL must not have a fragment (#)")
        }
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        let path = rest[slash...]

        self.init(host: "")
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                self.username = try Self.percentDecoded(userInfo[..<colon], part: "user name")
                self.password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                self.username = try Self.percentDecoded(userInfo, part: "user name")
            }
        }
        try self.parseHostAndPort(authority)
        self.virtualHost = try Self.virtualHost(fromPath: path)
        try self.applyQuery(query)
        try self.validate()
    }

    /// The URL without the password, safe for logs.
    public var redacted: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let virtualHost = Self.percentEncoded(self.virtualHost)
        return "amqp://\(Self.percentEncoded(self.username))@\(host):\(self.port)/\(virtualHost)"
    }

    private mutating func parseHostAndPort(_ authority: Substring) throws(AMQPConfigurationError) {
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw AMQPConfigurationError("the IPv6 address has no closing ']'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterClose = authority[authority.index(after: close)...]
            if afterClose.hasPrefix(":") {
                port = afterClose.dropFirst()
            } else if !afterClose.isEmpty {
                throw AMQPConfigurationError("unexpected characters after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        self.host = try Self.percentDecoded(host, part: "host")
        guard !self.host.isEmpty else {
            throw AMQPConfigurationError("the URL has no host")
        }
        guard self.host.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && !"/?#@[]\\%".unicodeScalars.contains($0) }) else {
            throw AMQPConfigurationError("the host '\(self.host)' is not a host name or an address")
        }
        if let port {
            guard !port.isEmpty, port.allSatisfy(\.isASCIIDigit), let number = Int(port), (1...65535).contains(number) else {
                throw AMQPConfigurationError("the port '\(port)' is not a number from 1 to 65535")
            }
            self.port = number
        }
    }

    private static func virtualHost(fromPath path: Substring) throws(AMQPConfigurationError) -> String {
        let encoded = path.dropFirst()
        guard !encoded.isEmpty else {
            return "/"
        }
        guard !encoded.contains("/") else {
            throw AMQPConfigurationError("the virtual host must be one path segment; write '/' inside it as %2F")
        }
        return try Self.percentDecoded(encoded, part: "virtual host")
    }

    private mutating func applyQuery(_ query: Substring) throws(AMQPConfigurationError) {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0]
            let value = try Self.percentDecoded(parts.count > 1 ? parts[1] : "", part: "query value")
            func number<Value: FixedWidthInteger>(_ type: Value.Type) throws(AMQPConfigurationError) -> Value {
                guard let number = Value(value) else {
                    throw AMQPConfigurationError("the query parameter \(name) must be a number from 0 to \(Value.max)")
                }
                return number
            }
            switch name {
            case "heartbeat": self.heartbeat = .seconds(try number(UInt16.self))
            case "frame_max": self.frameMax = try number(UInt32.self)
            case "channel_max": self.channelMax = try number(UInt16.self)
            case "connection_timeout": self.connectTimeout = .milliseconds(try number(UInt32.self))
            case "connection_name": self.connectionName = value
            default: throw AMQPConfigurationError("unknown query parameter '\(name)'")
            }
        }
    }

    private static func percentDecoded(_ text: Substring, part: String) throws(AMQPConfigurationError) -> String {
        guard text.contains("%") else {
            return String(text)
        }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                throw AMQPConfigurationError("the \(part) has an invalid percent-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw AMQPConfigurationError("the \(part) is not UTF-8 after percent-decoding")
        }
        return decoded
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func percentEncoded(_ text: String) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(byte)
            default:
                encoded += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        self.isASCII && self.isWholeNumber
    }
}
