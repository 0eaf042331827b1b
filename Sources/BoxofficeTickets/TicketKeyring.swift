import BoxofficeDomain
import Crypto
import Foundation
import Synchronization

/// Each event's Ed25519 signing key, made on first use and kept by the booking database (so every instance signs
/// and checks with the same key), cached in memory once read.
public final class TicketKeyring: Sendable {
    private let store: any TicketStore
    private let keys = Mutex<[EventID: (private: Curve25519.Signing.PrivateKey, public: Curve25519.Signing.PublicKey)]>([:])

    /// A keyring over a store.
    public init(store: any TicketStore) {
        self.store = store
    }

    /// The event's private key.
    public func privateKey(of event: EventID, now: Date) async throws -> Curve25519.Signing.PrivateKey {
        try await pair(of: event, now: now).private
    }

    /// The event's public key: what scanners check tickets with (derived once, not per scan).
    public func publicKey(of event: EventID, now: Date) async throws -> Curve25519.Signing.PublicKey {
        try await pair(of: event, now: now).public
    }

    /// The event's private and public key.
    public func pair(of event: EventID, now: Date) async throws -> (private: Curve25519.Signing.PrivateKey, public: Curve25519.Signing.PublicKey) {
        if let pair = keys.withLock({ $0[event] }) { return pair }
        let raw = try await store.ticketKey(of: event, candidate: Array(Curve25519.Signing.PrivateKey().rawRepresentation), at: now)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let pair = (private: key, public: key.publicKey)
        keys.withLock { $0[event] = pair }
        return pair
    }

    /// The event's public key as scanners read it: its 32 raw bytes in base64url.
    public func publicKeyText(of event: EventID, now: Date) async throws -> String {
        Base64URL.encode(Array(try await publicKey(of: event, now: now).rawRepresentation))
    }
}
