import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Hummingbird

/// Bookings: the seed's one-seat safe booking, multi-seat and GA bookings, reading and releasing.
struct BookingController {
    let engine: BookingEngine
    let holds: any HoldPath
    let waiters: BookingStatusWaiters

    /// The largest booking request accepted.
    static let bodyLimit = 64 * 1024

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
        let id = try bookingID(context)
        let ticket = waiters.expect(id, statuses: [.confirmed, .cancelled, .refunded])
        var booking: Booking
        do {
            booking = try await engine.pay(id)
        } catch {
            waiters.forget(ticket)
            throw error
        }
        if booking.status == .paymentPending {
            if let settled = await waiters.wait(ticket, timeout: Self.payWait) { booking.status = settled }
        } else {
            waiters.forget(ticket)
        }
        return EditedResponse(status: booking.status == .paymentPending ? .accepted : .ok, response: BookingBody(booking))
    }

    private func bookSafe(_ request: Request, context: BoxofficeRequestContext) async throws -> SafeBookingBody {
        let body = try await request.decodeJSON(SafeBookingRequest.self, limit: Self.bodyLimit, fast: SafeBookingRequest.init(plainJSON:))
        let booking = try await holds.hold(try engine.seatHoldRequest(SeatID(rawValue: body.seatId.value), userIdentifier: body.userIdentifier))
        return SafeBookingBody(booking)
    }

    private func create(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<BookingBody> {
        let body = try await request.decodeJSON(CreateBookingRequest.self, limit: Self.bodyLimit)
        let booking = try await holds.hold(body.holdRequest)
        return EditedResponse(status: .created, headers: [.location: "/api/bookings/\(booking.id)"], response: BookingBody(booking))
    }

    /// How many bookings `GET /api/bookings?user_identifier=…` lists.
    static let listLimit = 100

    private func list(_ request: Request, context: BoxofficeRequestContext) async throws -> [BookingBody] {
        guard let given = request.uri.queryParameters["user_identifier"].map(String.init), !given.isEmpty else {
            throw Problem.invalid("Name the customer: GET /api/bookings?user_identifier=…")
        }
        let customer = try TextRules.required(given, field: "user_identifier")
        return try await engine.bookings(ofCustomer: customer, limit: Self.listLimit).map(BookingBody.init)
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> BookingBody {
        BookingBody(try await engine.booking(try bookingID(context)))
    }

    private func release(_ request: Request, context: BoxofficeRequestContext) async throws -> BookingBody {
        BookingBody(try await engine.release(try bookingID(context)))
    }

    private func bookingID(_ context: BoxofficeRequestContext) throws -> BookingID {
        let text = context.parameters.get("id") ?? ""
        guard let id = BookingID(text) else { throw Problem.notFound("There is no booking with id \(text).") }
        return id
    }
}
