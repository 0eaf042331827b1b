import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Hummingbird

/// Bookings: the seed's one-seat safe booking, multi-seat and GA bookings, reading, releasing, paying, and buying at
/// once (`"pay": true`: hold and pay in one request).
///
/// A booking belongs to the identity of the token it was made with; a hold made without a token belongs to a new
/// guest, whose token comes back with it. Reading, releasing and paying need the owner's token (or an
/// organizer's): anyone else's gets `404`, as if the booking did not exist.
struct BookingController {
    let engine: BookingEngine
    let holds: any HoldPath
    let waiters: BookingStatusWaiters
    let authenticator: Authenticator

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post(RouterPath(APIRoutes.safeBooking), use: bookSafe)
        group.post("bookings", use: create)
        group.get("bookings", use: list)
        group.get("bookings/:id", use: show)
        group.post("bookings/:id/release", use: release)
        group.post("bookings/:id/pay", use: pay)
    }

    /// How long `pay` waits for the payment's outcome before answering 202 with `payment_pending`.
    static let payWait: Duration = .seconds(3)

    /// Pays from the customer's wallet and, as in the seed, finalizes: answers 200 with the booking once it is
    /// `confirmed` or `cancelled`, or 202 with `payment_pending` if the outcome takes longer. It waits for the
    /// booking's status change (``BookingStatusWaiters``), not by polling the database.
    private func pay(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<BookingBody> {
        // Paying spends the owner's wallet: the owner's alone, not an organizer's to do.
        let id = try await ownedBookingID(context, ownerOnly: true)
        // An earlier run of this same keyed request asked for payment and died before its answer was kept.
        let asked = context.committedEffect == id.description
        let booking = try await settled(id) { asked ? try await engine.booking(id) : try await engine.pay(id, keyClaim: context.keyClaim) }
        return EditedResponse(
            status: booking.status == .paymentPending ? .accepted : .ok, headers: asked ? Self.replayed : [:], response: shown(booking)
        )
    }

    /// Starts listening for the booking's payment outcome, runs `change` (what asks for the payment, or reads the booking),
    /// and answers with the booking once the outcome is in, or still `payment_pending` after ``payWait``. Listening first
    /// means no outcome can come in between.
    private func settled(_ id: BookingID, after change: () async throws -> Booking) async throws -> Booking {
        let ticket = waiters.expect(id, statuses: [.confirmed, .cancelled, .refunded])
        var booking: Booking
        do {
            booking = try await change()
        } catch {
            waiters.forget(ticket)
            throw error
        }
        guard booking.status == .paymentPending else {
            waiters.forget(ticket)
            return booking
        }
        if let settled = await waiters.wait(ticket, timeout: Self.payWait) { booking.status = settled }
        return booking
    }

    /// Buy now: holds and asks for payment from the customer's wallet in one transaction, then waits for the outcome as
    /// `pay` does. The booking's id is chosen here, so the wait starts before anything can settle it. Its callers have
    /// checked the token first: a buy spends the token's own wallet, never a new guest's (which has none).
    private func buy(_ request: HoldRequest) async throws -> Booking {
        var request = request
        let id = BookingID.random()
        request.bookingID = id
        request.pay = true
        return try await settled(id) { try await engine.hold(request) }
    }

    /// Marks an answer given from what an earlier run of the same keyed request wrote.
    private static let replayed: HTTPFields = [.idempotentReplayed: "true"]

    /// The booking an earlier run of this same keyed request made before it died unanswered, if any; for a buy, once its
    /// payment's outcome is in (or ``payWait`` has passed), as the buy itself would have answered.
    private func committedHold(_ context: BoxofficeRequestContext, buying: Bool) async throws -> Booking? {
        guard let effect = context.committedEffect, let id = BookingID(effect) else { return nil }
        guard buying else { return try await engine.booking(id) }
        return try await settled(id) { try await engine.booking(id) }
    }

    private func bookSafe(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<SafeBookingBody> {
        let body = try await request.decodeJSON(SafeBookingRequest.self, limit: context.bodyLimit, fast: SafeBookingRequest.init(plainJSON:))
        let buying = body.pay == true
        // A buy spends a wallet: the token's own, never a new guest's (which has none).
        if buying { _ = try context.requirePrincipal() }
        if let booking = try await committedHold(context, buying: buying) {
            return EditedResponse(status: buying && booking.status == .paymentPending ? .accepted : .ok, headers: Self.replayed, response: SafeBookingBody(booking, guestToken: nil))
        }
        let (owner, guestToken) = try acting(context)
        var hold = try engine.seatHoldRequest(SeatID(rawValue: body.seatId.value), userIdentifier: owner.owner, clientAddress: context.admitted?.holdingAddress)
        hold.keyClaim = context.keyClaim
        hold.admittedTo = context.admitted?.admittedTo
        guard buying else { return EditedResponse(response: SafeBookingBody(try await holds.hold(hold), guestToken: guestToken)) }
        let booking = try await buy(hold)
        return EditedResponse(status: booking.status == .paymentPending ? .accepted : .ok, response: SafeBookingBody(booking, guestToken: nil))
    }

    private func create(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<BookingBody> {
        let body = try await request.decodeJSON(CreateBookingRequest.self, limit: context.bodyLimit)
        let buying = body.pay == true
        /// A buy still waiting for its payment's outcome is accepted; every other new booking is created.
        func status(of booking: Booking) -> HTTPResponse.Status { buying && booking.status == .paymentPending ? .accepted : .created }
        if buying { _ = try context.requirePrincipal() }  // before a guest is made: a buy needs a wallet
        if let booking = try await committedHold(context, buying: buying) {
            return EditedResponse(status: status(of: booking), headers: [.location: "/api/bookings/\(booking.id)", .idempotentReplayed: "true"], response: shown(booking))
        }
        let (owner, guestToken) = try acting(context)
        var hold = body.holdRequest(owner: owner.owner, clientAddress: context.admitted?.holdingAddress)
        hold.keyClaim = context.keyClaim
        hold.admittedTo = context.admitted?.admittedTo
        let booking = buying ? try await buy(hold) : try await holds.hold(hold)
        let together = try hold.bestAvailable.map { _ in try engine.engine(for: booking.eventID).together(booking.seatIDs) }
        return EditedResponse(
            status: status(of: booking), headers: [.location: "/api/bookings/\(booking.id)"], response: shown(booking, guestToken: guestToken, together: together)
        )
    }

    /// How many bookings `GET /api/bookings` lists.
    static let listLimit = 100

    /// The token's own bookings, newest first; an organizer may name anyone's with `?user_identifier=`.
    private func list(_ request: Request, context: BoxofficeRequestContext) async throws -> [BookingBody] {
        let principal = try context.requirePrincipal()
        var customer = principal.owner
        if let given = request.uri.queryParameters["user_identifier"].map(String.init), given != principal.owner {
            guard principal.role == .organizer else { throw Problem(.forbidden, type: "forbidden", detail: "You can list only your own bookings.") }
            customer = try TextRules.required(given, field: "user_identifier")
        }
        return try await engine.bookings(ofCustomer: customer, limit: Self.listLimit).map { shown($0) }
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> BookingBody {
        shown(try await engine.booking(try await ownedBookingID(context)))
    }

    private func release(_ request: Request, context: BoxofficeRequestContext) async throws -> BookingBody {
        shown(try await engine.release(try await ownedBookingID(context)))
    }

    /// A booking's body, with its event as this instance knows it.
    private func shown(_ booking: Booking, guestToken: String? = nil, together: Bool? = nil) -> BookingBody {
        BookingBody(booking, event: try? engine.engine(for: booking.eventID).snapshot.event, guestToken: guestToken, together: together)
    }

    /// Who a new booking is for: the token's identity, or a new guest whose token goes back with the answer.
    private func acting(_ context: BoxofficeRequestContext) throws -> (Principal, guestToken: String?) {
        if let principal = context.principal { return (principal, nil) }
        let (guest, token) = try authenticator.newGuest()
        return (guest, token)
    }

    /// The booking the path names, if the token's identity may act on it; 404 otherwise, as for a booking that
    /// does not exist, so nobody learns which ids are someone else's.
    private func ownedBookingID(_ context: BoxofficeRequestContext, ownerOnly: Bool = false) async throws -> BookingID {
        let principal = try context.requirePrincipal()
        let id = try bookingID(context)
        let owner = try await engine.booking(id).userIdentifier
        guard ownerOnly ? owner == principal.owner : principal.mayAct(for: owner) else { throw DomainError.bookingNotFound(id) }
        return id
    }

    private func bookingID(_ context: BoxofficeRequestContext) throws -> BookingID {
        let text = context.parameters.get("id") ?? ""
        guard let id = BookingID(text) else { throw Problem.notFound("There is no booking with id \(text).") }
        return id
    }
}
