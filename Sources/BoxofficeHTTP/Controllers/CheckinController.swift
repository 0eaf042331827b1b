import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeTickets
import Foundation
import Hummingbird

/// The door: scanning tickets (door staff of the event, or an organizer), the counts, what a scanner keeps to work
/// offline, and the organizer's list of door staff.
struct CheckinController {
    let engine: BookingEngine
    let tickets: TicketRoutes
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("events/:id/checkins", use: checkIn)
        group.get("events/:id/checkins", use: counts)
        group.get("events/:id/checkins/offline", use: offline)
        group.get("events/:id/staff", use: staff)
        group.post("events/:id/staff", use: addStaff)
        group.delete("events/:id/staff/:identity", use: removeStaff)
    }

    private func checkIn(_ request: Request, context: BoxofficeRequestContext) async throws -> CheckinBody {
        let event = try await door(context)
        let principal = try context.requirePrincipal()
        let body = try await request.decodeJSON(CheckinRequestBody.self, limit: context.bodyLimit, fast: CheckinRequestBody.init(plainJSON:))
        let answer = try await tickets.desk.checkIn(try body.request(by: principal.owner), at: event.id, now: now())
        tickets.counters.count(answer.result, at: event.id)
        return CheckinBody(answer, event: event)
    }

    private func counts(_ request: Request, context: BoxofficeRequestContext) async throws -> CheckinCountsBody {
        let event = try await door(context)
        return CheckinCountsBody(try await tickets.store.checkinCounts(of: event, at: now()))
    }

    private func offline(_ request: Request, context: BoxofficeRequestContext) async throws -> OfflineListBody {
        let event = try await door(context)
        let key = try await tickets.keyring.publicKeyText(of: event.id, now: now())
        let list = try await tickets.store.offlineList(of: event.id)
        return OfflineListBody(
            eventId: event.id.rawValue, publicKey: key, format: Int(TicketSecret.format),
            revokedBookings: list.revokedBookings.map(\.description), refundedTickets: list.refundedTickets.map(\.description),
            reissued: list.reissued.sorted { $0.key < $1.key }.map { OfflineListBody.Reissued(ticket: $0.key.description, version: $0.value) },
            checkedIn: list.checkedIn.map(\.description), at: now()
        )
    }

    private func staff(_ request: Request, context: BoxofficeRequestContext) async throws -> [StaffBody] {
        _ = try context.requireOrganizer()
        return try await tickets.staff.staff(of: try event(context).id).map(StaffBody.init)
    }

    /// Makes a signed-up account door staff of the event: it may then scan for this event, and only this one.
    private func addStaff(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<StaffBody> {
        _ = try context.requireOrganizer()
        let event = try self.event(context)
        let body = try await request.decodeJSON(StaffRequestBody.self, limit: context.bodyLimit)
        let email = try TextRules.required(body.email, field: "email").lowercased()
        guard let (identity, _) = try await tickets.identities.identity(email: email) else {
            throw Problem(.notFound, type: "no-such-account", detail: "Nobody signed up with \(email): the door person signs up first, then is added here.")
        }
        let member = try await tickets.staff.add(StaffMember(identity: identity.owner, email: identity.email ?? email, addedAt: now()), to: event.id)
        return EditedResponse(status: .created, response: StaffBody(member))
    }

    private func removeStaff(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        _ = try context.requireOrganizer()
        let event = try self.event(context)
        let identity = context.parameters.get("identity") ?? ""
        guard try await tickets.staff.remove(identity.lowercased(), from: event.id) else {
            throw Problem.notFound("\(identity) is not door staff of event \(event.id).")
        }
        return Response(status: .noContent)
    }

    /// The event, if the token's identity may work its door: an organizer, or its door staff; 403 for anyone else.
    private func door(_ context: BoxofficeRequestContext) async throws -> Event {
        let principal = try context.requirePrincipal()
        let event = try self.event(context)
        let isStaff = principal.role == .organizer ? true : try await tickets.staff.isStaff(principal.owner, of: event.id, now: now())
        guard isStaff else {
            throw Problem(.forbidden, type: "forbidden", detail: "Only the organizer and the door staff of event \(event.id) may check tickets in.")
        }
        return event
    }

    private func event(_ context: BoxofficeRequestContext) throws -> Event {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), let engine = try? engine.engine(for: EventID(rawValue: id)) else { throw Problem.notFound("There is no event with id \(text).") }
        return engine.snapshot.event
    }
}
