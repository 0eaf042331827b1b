import BoxofficeAuth
import BoxofficeDomain
@testable import BoxofficeHTTP
import Foundation
import Testing

/// A token has one spelling (RFC 7515: base64url, no padding): the same bytes written another way are refused.
@Suite("Token spelling")
struct TokenSpellingTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test("padding, the standard alphabet and unused bits set are refused; the token as issued is accepted")
    func spellings() async throws {
        let codec = try await TokenCodec.make(secret: Array("token-spelling-test-secret-32-bytes!".utf8))
        let authenticator = Authenticator(codec: codec, organizerToken: "token-spelling-organizer")
        // A guest token whose signature has a URL-alphabet character, so its standard-alphabet spelling differs.
        var token = try authenticator.newGuest().token
        while !token.split(separator: ".")[2].contains(where: { $0 == "-" || $0 == "_" }) { token = try authenticator.newGuest().token }
        let parts = token.split(separator: ".").map(String.init)
        #expect(try authenticator.principal(authorization: "Bearer \(token)") != nil)

        let standard = parts[2].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        // 32 bytes are 43 characters: the last carries 2 bits and 4 unused ones, here set to 1.
        let last = try #require(Self.alphabet.firstIndex(of: parts[2].last!))
        let unusedBits = String(parts[2].dropLast()) + String(Self.alphabet[last | 0b1111])
        for signature in [parts[2] + "=", standard, unusedBits] {
            let spelled = "\(parts[0]).\(parts[1]).\(signature)"
            #expect(throws: Problem.self, "\(signature)") { try authenticator.principal(authorization: "Bearer \(spelled)") }
        }
    }
}
