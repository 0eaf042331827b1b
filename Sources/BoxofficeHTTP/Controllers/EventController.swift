import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeWaitingRoom
import Foundation
import Hummingbird

/// Events: list, read, create, edit, publish, and the seat map read path served from memory. A draft is the organizers'
/// alone: anyone else is told it does not exist.
struct EventController {
    let engine: BookingEngine
    let seatMaps: SeatMapCache
    /// Where waiting rooms are kept; nil refuses an event created with one.
    let queues: (any QueueStore)?
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.get("events", use: list)
        group.post("events", use: create)
        group.get("events/:id", use: show)
        group.patch("events/:id", use: update)
        group.post("events/:id/publish", use: publish)
        group.get(RouterPath(APIRoutes.seatMap), use: seats)
    }

    private func create(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<EventBody> {
        _ = try context.requireOrganizer()
        let body = try await request.decodeJSON(CreateEventRequest.self, limit: context.bodyLimit)
        var draft = try body.draft(now: now())
        // A waiting room given with the event is checked before the event is made, and the event is made queued.
        let queue = body.queue.map { $0.applied(to: QueueSettings.defaults(for: draft.details, enabled: true)) }
        try queue?.check(for: draft.details)
        if queue != nil, queues == nil { throw DomainError.invalid("This server runs no waiting rooms.") }
        draft.details.queued = queue?.enabled ?? false
        let event = try await engine.createEvent(draft)
        if let queue, let queues {
            _ = try await queues.saveQueueSettings(queue, of: event.id, salesStart: event.details.salesStart, at: now())
        }
        let snapshot = try engine.engine(for: event.id).snapshot
        return EditedResponse(status: .created, headers: [.location: "/api/events/\(event.id)"], response: EventBody(snapshot, now: now()))
    }

    /// Every event a customer may see (organizers: every event), by id.
    private func list(_ request: Request, context: BoxofficeRequestContext) async throws -> [EventSummaryBody] {
        let organizer = context.principal?.role == .organizer
        return engine.snapshots().filter { organizer || $0.event.details.isVisibleToCustomers }.map { EventSummaryBody($0, now: now()) }
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> EventBody {
        EventBody(try snapshot(context), now: now())
    }

    private func update(_ request: Request, context: BoxofficeRequestContext) async throws -> EventBody {
        _ = try context.requireOrganizer()
        let body = try await request.decodeJSON(UpdateEventRequest.self, limit: context.bodyLimit)
        let event = try snapshot(context).event
        // The details and the seat map are checked before anything is written, so a refused edit changes nothing.
        _ = try engine.checkedDetails(of: event.id) { details throws(DomainError) in try body.applied(to: details) }
        if let seatMap = try body.seatMapEdit(for: event) { _ = try await engine.editSeatMap(event.id, seatMap) }
        _ = try await engine.reprice(event.id, body.prices)
        return try await edited(context) { details throws(DomainError) in try body.applied(to: details) }
    }

    /// A draft goes on show: customers see it, and it sells within its sales window. Publishing a published event
    /// changes nothing.
    private func publish(_ request: Request, context: BoxofficeRequestContext) async throws -> EventBody {
        _ = try context.requireOrganizer()
        let event = try await engine.setStatus(of: try snapshot(context).event.id, to: .published)
        return EventBody(try engine.engine(for: event.id).snapshot, details: event.details, now: now())
    }

    private func edited(_ context: BoxofficeRequestContext, _ edit: (EventDetails) throws -> EventDetails) async throws -> EventBody {
        let id = try snapshot(context).event.id
        let event = try await engine.updateEvent(id, edit)
        return EventBody(try engine.engine(for: id).snapshot, details: event.details, now: now())
    }

    private func seats(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        let snapshot = try snapshot(context)
        let etag = seatMaps.etag(of: snapshot)
        var headers = SeatMapCache.revalidationHeaders(etag: etag)
        if SeatMapCache.matches(request.headers[.ifNoneMatch], etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: try seatMaps.body(of: snapshot)))
    }

    /// The event the path names, if the caller may see it.
    private func snapshot(_ context: BoxofficeRequestContext) throws -> InventorySnapshot {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw Problem.notFound("There is no event with id \(text).") }
        let snapshot = try engine.engine(for: EventID(rawValue: id)).snapshot
        guard snapshot.event.details.isVisibleToCustomers || context.principal?.role == .organizer else { throw DomainError.eventNotFound(EventID(rawValue: id)) }
        return snapshot
    }
}
