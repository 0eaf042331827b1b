/// An ISO 4217 currency code such as `EUR`; amounts are always integer minor units.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    /// The three uppercase letters.
    public let code: String

    /// Accepts exactly three ASCII letters, upper-casing them.
    public init?(_ code: String) {
        let upper = code.uppercased()
        guard upper.utf8.count == 3, upper.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = upper
    }

    public var description: String { code }

    /// An amount in words for people, with two decimals (as the web app shows it): `format(9000)` is "90.00 EUR".
    public func format(_ minor: Int64) -> String { "\(Self.decimal(minor)) \(code)" }

    /// An amount of minor units with two decimals: `decimal(1250)` is "12.50".
    public static func decimal(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let cents = minor.magnitude % 100
        return "\(sign)\(minor.magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
