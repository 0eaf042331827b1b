import BoxofficeDomain
import Crypto
import Foundation
import Synchronization

/// Each event's Ed25519 signing key, made on first use and kept by the booking database (so every instance signs
/// and checks with the same key), cached in memory once read.
public final class TicketKeyring: Sendable {
    private let store: any TicketStore
    private let keys = Mutex<[EventID: Curve25519.Signing.PrivateKey]>([:])

    /// A keyring over a store.
    public init(store: any TicketStore) {
        self.store = store
    }

    /// The event's private key.
    public func privateKey(of event: EventID, now: Date) async throws -> Curve25519.Signing.PrivateKey {
        if let key = keys.withLock({ $0[event] }) { return key }
        let raw = try await store.ticketKey(of: event, candidate: Array(Curve25519.Signing.PrivateKey().rawRepresentation), at: now)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        keys.withLock { $0[event] = key }
        return key
    }

    /// The event's public key: what scanners check tickets with.
    public func publicKey(of event: EventID, now: Date) async throws -> Curve25519.Signing.PublicKey {
        try await privateKey(of: event, now: now).publicKey
    }

    /// The event's public key as scanners read it: its 32 raw bytes in base64url.
    public func publicKeyText(of event: EventID, now: Date) async throws -> String {
        Base64URL.encode(Array(try await publicKey(of: event, now: now).rawRepresentation))
    }
}
