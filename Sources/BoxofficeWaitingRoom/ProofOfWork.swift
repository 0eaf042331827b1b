import BoxofficeDomain
import Crypto
import Foundation
import Synchronization

/// The proof of work a waiting room may ask of every join: the visitor reads a challenge, finds a nonce whose
/// SHA-256 with it starts with the challenge's number of zero bits, and joins with both. A visitor pays about a
/// second of a phone's CPU once; a script joining a thousand times pays a thousand times, and more, since the
/// difficulty grows with the challenges one address asked for (counted when they are given, so asking for many first
/// and solving them later earns nothing).
///
/// Challenges are signed, not stored: `v1.<event>.<difficulty>.<expiry>.<random>` and its HMAC-SHA256, in
/// base64url. Each is good for one join within ``validity``: this process remembers the challenges it has taken
/// until they expire.
public final class ProofOfWork: Sendable {
    /// A challenge as the visitor gets it.
    public struct Challenge: Sendable, Equatable {
        /// The challenge text, to be hashed with the nonce.
        public var text: String
        /// How many leading zero bits the hash must have.
        public var difficulty: Int
        /// When the challenge stops being accepted.
        public var expiresAt: Date
    }

    /// How long a challenge is accepted.
    public static let validity: TimeInterval = 300
    /// The most leading zero bits a difficulty reaches, however many challenges an address asked for.
    public static let maxDifficulty = 32
    /// The most bits an address's challenges add to the organizer's (256 times the work): many visitors behind one
    /// carrier's address still get in.
    public static let maxExtraBits = 8

    private let key: SymmetricKey
    private let taken = Mutex(Expiring<Date>())
    private let asked = Mutex(Expiring<AddressChallenges>())

    /// A proof-of-work checker whose key is derived from the service's signing secret.
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: SHA256.hash(data: Array("boxoffice queue challenge".utf8) + secret))
    }

    /// A new challenge for a join from `address` to an event whose waiting room asks for `baseDifficulty` bits: one
    /// bit more for every doubling of the challenges the address asked for in the last hour past the first four.
    public func challenge(for event: EventID, baseDifficulty: Int, address: String?, now: Date) -> Challenge {
        let difficulty = min(Self.maxDifficulty, baseDifficulty + (address.map { count($0, now: now) } ?? 0))
        let expiresAt = now.addingTimeInterval(Self.validity)
        let random = (0 ..< 12).map { _ in UInt8.random(in: .min ... .max) }
        let payload = Array("v1.\(event.rawValue).\(difficulty).\(Int64(expiresAt.timeIntervalSince1970)).\(Base64URL.encode(random))".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Challenge(text: Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac)), difficulty: difficulty, expiresAt: expiresAt)
    }

    /// Checks a join's proof, and takes its challenge so that this process does not take it again.
    /// - Throws: ``DomainError/proofOfWorkRequired(_:_:)`` saying what is wrong.
    public func check(challenge text: String?, nonce: String?, for event: EventID, now: Date) throws(DomainError) {
        guard let text, let nonce else { throw .proofOfWorkRequired(event, "This waiting room asks for a proof of work with every join.") }
        guard nonce.utf8.count <= 64 else { throw .proofOfWorkRequired(event, "The nonce is longer than 64 characters.") }
        guard let difficulty = verified(text, event: event, now: now) else {
            throw .proofOfWorkRequired(event, "The challenge is not one this service gave for this event, or it ran out.")
        }
        guard Self.leadingZeroBits(of: Array(SHA256.hash(data: Array((text + nonce).utf8)))) >= difficulty else {
            throw .proofOfWorkRequired(event, "SHA-256 of the challenge and the nonce does not start with \(difficulty) zero bits.")
        }
        let fresh = taken.withLock { taken in
            taken.prune { $0 > now }
            guard taken.entries[text] == nil else { return false }
            taken.entries[text] = now.addingTimeInterval(Self.validity)
            return true
        }
        guard fresh else { throw .proofOfWorkRequired(event, "This challenge was used for a join already; read a new one.") }
    }

    /// The leading zero bits of a hash.
    public static func leadingZeroBits(of bytes: [UInt8]) -> Int {
        var bits = 0
        for byte in bytes {
            guard byte == 0 else { return bits + byte.leadingZeroBitCount }
            bits += 8
        }
        return bits
    }

    private func verified(_ text: String, event: EventID, now: Date) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "v1", Int64(fields[1]) == event.rawValue, let difficulty = Int(fields[2]), let expiry = Int64(fields[3]),
            Double(expiry) > now.timeIntervalSince1970
        else { return nil }
        return difficulty
    }

    /// Counts a challenge given to an address; returns the bits its count so far adds.
    private func count(_ address: String, now: Date) -> Int {
        let recent = asked.withLock { asked in
            asked.prune { $0.count(at: now) > 0 }
            var entry = asked.entries[address] ?? AddressChallenges(since: now, count: 0)
            if now.timeIntervalSince(entry.since) >= 3600 { entry = AddressChallenges(since: now, count: 0) }
            defer {
                entry.count += 1
                asked.entries[address] = entry
            }
            return entry.count
        }
        guard recent >= 4 else { return 0 }
        return min(Self.maxExtraBits, Int(log2(Double(recent) / 4).rounded(.down)) + 1)
    }
}

/// The challenges an address asked for in the hour that started at `since`.
private struct AddressChallenges {
    var since: Date
    var count: Int

    func count(at now: Date) -> Int {
        now.timeIntervalSince(since) < 3600 ? count : 0
    }
}

/// Entries that lapse, pruned only when they have doubled since the last pruning: a busy opening's every join does
/// not sweep them all.
private struct Expiring<Value> {
    var entries: [String: Value] = [:]
    private var pruneAt = 100_000

    mutating func prune(keeping isLive: (Value) -> Bool) {
        guard entries.count >= pruneAt else { return }
        entries = entries.filter { isLive($0.value) }
        pruneAt = max(100_000, entries.count * 2)
    }
}
