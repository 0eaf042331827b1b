import BoxofficeDomain
import BoxofficeEngine
import BoxofficeWaitingRoom
import Foundation
import Hummingbird

/// Events: list, read, create, and the seat map read path served from memory.
struct EventController {
    let engine: BookingEngine
    let seatMaps: SeatMapCache
    /// Where waiting rooms are kept; nil refuses an event created with one.
    let queues: (any QueueStore)?
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.get("events") { _, _ in engine.snapshots().map(EventSummaryBody.init) }
        group.post("events", use: create)
        group.get("events/:id", use: show)
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
        return EditedResponse(status: .created, headers: [.location: "/api/events/\(event.id)"], response: EventBody(snapshot))
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> EventBody {
        EventBody(try snapshot(context))
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

    private func snapshot(_ context: BoxofficeRequestContext) throws -> InventorySnapshot {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw Problem.notFound("There is no event with id \(text).") }
        return try engine.engine(for: EventID(rawValue: id)).snapshot
    }
}
