import BoxofficeDomain
import Foundation
import Testing

@Suite("Base64URL")
struct Base64URLTests {
    @Test("encodes as RFC 4648 §5 without padding, and decodes back, for every length up to 100")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0 ... 100 {
            let bytes = (0 ..< length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let text = Base64URL.encode(bytes)
            #expect(text == expected, "\(length) bytes")
            #expect(Base64URL.decode(text) == bytes, "\(length) bytes")
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_9") == nil, "unused bits that are not zero: another spelling")
        for bad in ["A", "AAAAA", "AA==", "A+B/", "AB C", "ABé"] { #expect(Base64URL.decode(bad) == nil, "\(bad)") }
        #expect(Base64URL.decode("") == [])
    }
}
