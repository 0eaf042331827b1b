import BoxofficeDomain
import BoxofficeWaitingRoom
import Crypto
import Foundation
import Testing

@Suite("Proof of work for joins")
struct ProofOfWorkTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let event = EventID(rawValue: 7)

    /// The first nonce whose hash with the challenge has the challenge's zero bits, as a visitor's browser finds it.
    static func solve(_ challenge: ProofOfWork.Challenge) -> String {
        var nonce = 0
        while ProofOfWork.leadingZeroBits(of: Array(SHA256.hash(data: Array((challenge.text + String(nonce)).utf8)))) < challenge.difficulty { nonce += 1 }
        return String(nonce)
    }

    static func refusal(_ body: () throws(DomainError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard case .proofOfWorkRequired(_, let reason) = error else { return "\(error)" }
            return reason
        }
    }

    @Test("a solved challenge lets one join in; a missing, wrong, reused, foreign or expired one none")
    func checks() throws {
        let proofs = ProofOfWork(secret: Array("secret".utf8))
        let challenge = proofs.challenge(for: Self.event, baseDifficulty: 8, address: "10.0.0.1", now: Self.now)
        #expect(challenge.difficulty == 8)
        let nonce = Self.solve(challenge)
        #expect(Self.refusal { () throws(DomainError) in try proofs.check(challenge: nil, nonce: nil, for: Self.event, now: Self.now) } != nil)
        var wrong = 0
        while ProofOfWork.leadingZeroBits(of: Array(SHA256.hash(data: Array((challenge.text + "w\(wrong)").utf8)))) >= 8 { wrong += 1 }
        #expect(Self.refusal { () throws(DomainError) in
            try proofs.check(challenge: challenge.text, nonce: "w\(wrong)", for: Self.event, now: Self.now)
        }?.contains("zero bits") == true)
        #expect(Self.refusal { () throws(DomainError) in
            try proofs.check(challenge: challenge.text, nonce: nonce, for: EventID(rawValue: 8), now: Self.now)
        } != nil, "another event's")
        #expect(Self.refusal { () throws(DomainError) in
            try proofs.check(challenge: challenge.text, nonce: nonce, for: Self.event, now: challenge.expiresAt)
        } != nil, "expired")
        let other = ProofOfWork(secret: Array("other".utf8))
        #expect(Self.refusal { () throws(DomainError) in
            try other.check(challenge: challenge.text, nonce: nonce, for: Self.event, now: Self.now)
        } != nil, "not signed by this service")
        #expect(Self.refusal { () throws(DomainError) in try proofs.check(challenge: challenge.text, nonce: nonce, for: Self.event, now: Self.now) } == nil)
        #expect(Self.refusal { () throws(DomainError) in
            try proofs.check(challenge: challenge.text, nonce: nonce, for: Self.event, now: Self.now)
        }?.contains("used") == true, "one join per challenge")
    }

    @Test("the difficulty rises by a bit with every doubling of the challenges an address asked for in an hour, at most eight")
    func escalation() throws {
        let proofs = ProofOfWork(secret: Array("secret".utf8))
        var difficulties: [Int: Int] = [:]
        for join in 0 ..< 64 {
            let challenge = proofs.challenge(for: Self.event, baseDifficulty: 1, address: "10.0.0.9", now: Self.now)
            difficulties[join] = challenge.difficulty
            try proofs.check(challenge: challenge.text, nonce: Self.solve(challenge), for: Self.event, now: Self.now)
        }
        #expect(difficulties[0] == 1 && difficulties[3] == 1, "the first four joins cost the base")
        #expect(difficulties[4] == 2 && difficulties[8] == 3 && difficulties[16] == 4 && difficulties[32] == 5)
        #expect(proofs.challenge(for: Self.event, baseDifficulty: 1, address: "10.0.0.10", now: Self.now).difficulty == 1, "other addresses pay the base")
        // Challenges asked for first and solved later: the count grew with each, solved or not.
        let hoarded = (0 ..< 2_000).map { _ in proofs.challenge(for: Self.event, baseDifficulty: 1, address: "10.0.0.11", now: Self.now).difficulty }
        #expect(hoarded[1_000] == 9 && hoarded.max() == 1 + ProofOfWork.maxExtraBits, "a hoard pays as it grows, up to eight bits more")
        #expect(proofs.challenge(for: Self.event, baseDifficulty: 1, address: "10.0.0.9", now: Self.now.addingTimeInterval(3_600)).difficulty == 1,
                "an hour later the count starts again")
    }
}
