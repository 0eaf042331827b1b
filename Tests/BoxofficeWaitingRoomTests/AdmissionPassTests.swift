import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import Testing

@Suite("Admission passes")
struct AdmissionPassTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let signer = PassSigner(secret: Array("a secret of at least thirty-two bytes!".utf8))
    static let pass = AdmissionPass(event: EventID(rawValue: 7), holder: "ann", position: 12, expiresAt: now.addingTimeInterval(600))

    @Test("a pass is checked without a database: its holder's, unexpired, signed here")
    func verify() {
        let text = Self.signer.sign(Self.pass)
        #expect(Self.signer.verify(Substring(text), holder: "ann", now: Self.now) == Self.pass)
        #expect(Self.signer.verify(Substring(text), holder: "bob", now: Self.now) == nil, "not transferable")
        #expect(Self.signer.verify(Substring(text), holder: "ann", now: Self.now.addingTimeInterval(600)) == nil, "ended")
        let other = PassSigner(secret: Array("another secret of thirty-two bytes!!".utf8))
        #expect(other.verify(Substring(text), holder: "ann", now: Self.now) == nil, "signed with another key")
    }

    @Test("a changed, truncated or made-up pass is refused")
    func forgery() {
        let text = Self.signer.sign(Self.pass)
        let parts = text.split(separator: ".")
        let payload = Data("v1.8.ann.12.\(Int(Self.now.timeIntervalSince1970) + 600)".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        for forged in [payload + "." + parts[1], String(parts[0]), text + "x", "", ".", "v1.7.ann.12.9999999999", String(text.dropLast(2))] {
            #expect(Self.signer.verify(Substring(forged), holder: "ann", now: Self.now) == nil, "\(forged)")
        }
    }

    @Test("the production draw orders a pre-queue uniformly (chi-square over many draws)")
    func uniform() {
        // Where visitor 0 of 5 ends up, over 10,000 pre-queues ordered by their draws.
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0 ..< 10_000 {
            let draws = (0 ..< 5).map { _ in WaitingRoom.uniformDraw() }
            counts[draws.filter { $0 < draws[0] }.count] += 1
        }
        let expected = 2_000.0
        let chiSquare = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        #expect(chiSquare < 18.47, "χ² = \(chiSquare) over \(counts) (4 degrees of freedom, p = 0.001)")
    }
}
