import BoxofficeApp
import BoxofficeAuth
import BoxofficeDomain
@testable import BoxofficeHTTP
import BoxofficeTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Tokens that stop working before their expiry: a guest's once it signs up, a session's once it logs out.
@Suite("Revoked tokens")
struct RevocationTests {
    @Test("the list refuses a signed-up guest's tokens and a logged-out session's, and forgets them once they expired anyway")
    func list() {
        let list = RevocationList()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let guest = Principal(id: UUID(), role: .guest, session: nil)
        let customer = Principal(id: guest.id, role: .customer, session: UUID())
        #expect(!list.isRevoked(guest, now: now) && !list.isRevoked(customer, now: now))
        list.add([TokenRevocation(kind: .guest, subject: guest.id, until: now.addingTimeInterval(60))], now: now)
        #expect(list.isRevoked(guest, now: now), "the guest's token")
        #expect(!list.isRevoked(customer, now: now), "the same identity's customer token is not a guest's")
        list.add([TokenRevocation(kind: .session, subject: customer.session!, until: now.addingTimeInterval(30))], now: now)
        #expect(list.isRevoked(customer, now: now))
        #expect(!list.isRevoked(customer, now: now.addingTimeInterval(31)), "past its until, every token it names has expired")
        list.add([], now: now.addingTimeInterval(61))
        #expect(!list.isRevoked(guest, now: now.addingTimeInterval(61)))
    }

    @Test("after signing up, the guest's token is refused by the booking and the payment routes; after logout, the access token", arguments: TestBackend.all)
    func overHTTP(backend: TestBackend) async throws {
        let server = try await TestServer.make(backend)
        defer { server.remove() }
        try await server.runOverSockets { client, _ in
            let guest = try await client.guest()
            let booking = try #require(try await client.send(.post, "/api/book/safe", json: #"{"seat_id": 12}"#, headers: guest.headers).object["booking_id"] as? String)
            #expect(try await client.send(.post, "/api/accounts", json: #"{"currency": "EUR"}"#, headers: guest.headers).status == .created)
            let signup = try await client.send(.post, "/api/auth/signup", json: #"{"email": "rev@example.test", "password": "a-password-1"}"#, headers: guest.headers)
            let customerToken = try #require(signup.object["access_token"] as? String)
            let refresh = try #require(signup.object["refresh_token"] as? String)
            let customer: HTTPFields = [.authorization: "Bearer \(customerToken)"]

            for (method, path) in [(HTTPRequest.Method.get, "/api/bookings/\(booking)"), (.get, "/api/accounts"), (.post, "/api/bookings/\(booking)/pay")] {
                let old = try await client.send(method, path, headers: guest.headers)
                #expect(old.status == .unauthorized && (old.object["detail"] as? String)?.contains("revoked") == true, "\(path): \(old.text)")
            }
            #expect(try await client.send(.get, "/api/bookings/\(booking)", headers: customer).status == .ok, "the customer keeps the booking")
            #expect(try await client.send(.get, "/api/accounts", headers: customer).status == .ok, "and the wallet")

            #expect(try await client.send(.post, "/api/auth/logout", json: #"{"refresh_token": "\#(refresh)"}"#).status == .noContent)
            #expect(try await client.send(.get, "/api/bookings/\(booking)", headers: customer).status == .unauthorized, "logout ends the access token")
            #expect(try await client.send(.get, "/api/accounts", headers: customer).status == .unauthorized)
            let login = try await client.send(.post, "/api/auth/login", json: #"{"email": "rev@example.test", "password": "a-password-1"}"#)
            let again: HTTPFields = [.authorization: "Bearer \(try #require(login.object["access_token"] as? String))"]
            #expect(try await client.send(.get, "/api/bookings/\(booking)", headers: again).status == .ok, "a new session works")
        }
    }
}
