import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-Id`: names one request across the gateway's and every service's logs.
    public static let requestID = HTTPField.Name("X-Request-Id")!
    /// `Link` (RFC 8288): where the next page of a list is.
    public static let link = HTTPField.Name("Link")!
}
