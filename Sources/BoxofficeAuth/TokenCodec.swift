import BoxofficeDomain
import Foundation
import JWTKit

/// Signs and verifies access tokens (JWT, HS256) without a database and without waiting: every service checks a
/// token itself, and the event loop's fast path can too.
///
/// jwt-kit provides the HMAC key and algorithm; the token is assembled and taken apart here synchronously (jwt-kit's
/// own API is asynchronous), always in the one form this codec issues: header `{"alg":"HS256","typ":"JWT"}`. Any
/// other header, a signature of another key, a changed payload or a token past its expiry is refused.
public struct TokenCodec: Sendable {
    private let algorithm: any JWTAlgorithm
    private let header: String
    private let decoder: JSONDecoder

    /// The longest token accepted, in bytes; anything longer is refused unread.
    public static let maximumLength = 2_048

    /// Creates a codec for a secret of at least 32 bytes.
    public static func make(secret: [UInt8]) async throws -> TokenCodec {
        guard secret.count >= 32 else { throw TokenError.malformed("the signing secret must have at least 32 bytes") }
        let keys = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return TokenCodec(algorithm: try await keys.getKey())
    }

    private init(algorithm: any JWTAlgorithm) {
        self.algorithm = algorithm
        self.header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        self.decoder = decoder
    }

    /// A signed token carrying the claims (times in whole seconds, as JWT's NumericDate usually is).
    public func sign(_ claims: AccessClaims) throws -> String {
        let input = header + "." + Base64URL.encode(Array(Self.payload(claims).utf8))
        return input + "." + Base64URL.encode(try algorithm.sign(Array(input.utf8)))
    }

    /// The claims as JSON, written by hand: an anonymous hold mints a guest's token on the event loop, and
    /// `JSONEncoder` would be most of that cost. Every value is a number, a lowercased UUID or a role's raw value,
    /// none of which needs escaping.
    static func payload(_ claims: AccessClaims) -> String {
        let session = claims.sid.map { #","sid":"\#($0)""# } ?? ""
        let expires = Int(claims.exp.value.timeIntervalSince1970.rounded(.down))
        let issued = Int(claims.iat.value.timeIntervalSince1970.rounded(.down))
        return #"{"exp":\#(expires),"iat":\#(issued),"role":"\#(claims.role.rawValue)"\#(session),"sub":"\#(claims.sub.value)"}"#
    }

    /// The claims of a token this codec signed, if it is whole and not expired at `now`.
    public func verify(_ token: some StringProtocol, now: Date) throws(TokenError) -> AccessClaims {
        guard token.utf8.count <= Self.maximumLength else { throw .malformed("the token is longer than \(Self.maximumLength) bytes") }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == header else { throw .malformed("not a token this service issued") }
        guard let signature = Base64URL.decode(parts[2]), let payload = Base64URL.decode(parts[1]) else {
            throw .malformed("the token is not base64url")
        }
        let signed = Array("\(parts[0]).\(parts[1])".utf8)
        guard (try? algorithm.verify(signature, signs: signed)) == true else { throw .badSignature }
        guard let claims = try? decoder.decode(AccessClaims.self, from: Data(payload)), UUID(uuidString: claims.sub.value) != nil else {
            throw .malformed("the token's claims cannot be read")
        }
        guard claims.exp.value > now else { throw .expired }
        return claims
    }
}

/// Why a token was refused.
public enum TokenError: Error, Equatable, Sendable {
    /// It is not a token of ours at all.
    case malformed(String)
    /// Its signature is not ours: another key signed it, or it was changed.
    case badSignature
    /// It was ours, and its time is over.
    case expired

    /// A sentence for the client.
    public var detail: String {
        switch self {
        case .malformed(let reason): "The bearer token cannot be used: \(reason)."
        case .badSignature: "The bearer token's signature does not match: it was changed, or another service signed it."
        case .expired: "The access token has expired: refresh it (POST /api/auth/refresh) or log in again."
        }
    }
}
