import BoxofficeDomain
import Crypto
import Foundation
import Testing

@testable import BoxofficeTickets

@Suite("Ticket secrets")
struct TicketSecretTests {
    let key = Curve25519.Signing.PrivateKey()
    let claim = TicketClaim(
        eventID: EventID(rawValue: 7), ticket: TicketID(booking: BookingID(rawValue: UUID()), ordinal: 3), place: .seat(SeatID(rawValue: 123_456)), version: 1
    )

    @Test("a signed secret reads back to its claim, and fits a small QR code")
    func roundTrip() throws {
        let secret = try TicketSecret.sign(claim, with: key)
        #expect(try TicketSecret.verify(secret, event: claim.eventID, key: key.publicKey) == claim)
        #expect(secret.utf8.count <= 122)
        var pool = claim
        pool.place = .pool(PoolID(rawValue: 9))
        pool.version = 300
        #expect(try TicketSecret.verify(try TicketSecret.sign(pool, with: key), event: pool.eventID, key: key.publicKey) == pool)
    }

    @Test("another key's signature is forged; any changed byte is forged or unreadable; the same with the signer's shortcut", arguments: [false, true])
    func forgery(withSigner: Bool) throws {
        let signer = withSigner ? key : nil
        let other = Curve25519.Signing.PrivateKey()
        #expect(throws: TicketSecret.Flaw.forged) {
            try TicketSecret.verify(try TicketSecret.sign(claim, with: other), event: claim.eventID, key: key.publicKey, signer: signer)
        }
        let secret = try TicketSecret.sign(claim, with: key)
        #expect(try TicketSecret.verify(secret, event: claim.eventID, key: key.publicKey, signer: signer) == claim)
        let bytes = try #require(Base64URL.decode(secret))
        for index in bytes.indices {
            var changed = bytes
            changed[index] ^= 0x01
            #expect(throws: TicketSecret.Flaw.self) { try TicketSecret.verify(Base64URL.encode(changed), event: claim.eventID, key: key.publicKey, signer: signer) }
        }
    }

    @Test("this platform's Ed25519 signs deterministically, so the door's shortcut (sign again, compare) applies")
    func deterministic() throws {
        let payload = TicketSecret.payload(of: claim)
        #expect(Array(try key.signature(for: payload)) == Array(try key.signature(for: payload)))
    }

    @Test("a ticket of another event is refused as such, before its signature")
    func otherEvent() throws {
        let secret = try TicketSecret.sign(claim, with: key)
        #expect(throws: TicketSecret.Flaw.otherEvent(claim.eventID)) { try TicketSecret.verify(secret, event: EventID(rawValue: 8), key: key.publicKey) }
    }

    @Test("a secret of another format version is refused, even well signed")
    func oldFormat() throws {
        var payload = TicketSecret.payload(of: claim)
        payload[0] = 0
        let secret = Base64URL.encode(payload + Array(try key.signature(for: payload)))
        #expect(throws: TicketSecret.Flaw.unknownFormat(0)) { try TicketSecret.verify(secret, event: claim.eventID, key: key.publicKey) }
    }

    @Test("garbage is malformed", arguments: ["", "hello", String(repeating: "A", count: 500), "!!!!", String(repeating: "A", count: 120)])
    func garbage(_ text: String) {
        #expect(throws: TicketSecret.Flaw.self) { try TicketSecret.verify(text, event: claim.eventID, key: key.publicKey) }
    }

    @Test("ticket ids read back; other spellings are refused")
    func ticketIDs() {
        let id = claim.ticket
        #expect(TicketID(id.description) == id)
        for text in ["", "x.1", "\(id.booking).0", "\(id.booking).-1", "\(id.booking)", "\(id.booking).70000", "\(id.booking).1.2"] {
            #expect(TicketID(text) == nil, "\(text)")
        }
    }
}
