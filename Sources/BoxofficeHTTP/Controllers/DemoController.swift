import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Hummingbird

/// The seed's `POST /api/init_db`: creates another demo concert — open to everyone in a fresh demo (demo mode,
/// fewer than ``anonymousLimit`` events), to organizers otherwise, so an anonymous caller cannot fill the
/// database with events (each one costs memory and a look from the expiry sweeper).
struct DemoController {
    /// The number of events from which `init_db` needs the organizer token even in demo mode.
    static let anonymousLimit = 20

    let engine: BookingEngine
    let demoMode: Bool
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("init_db", use: initDatabase)
    }

    private func initDatabase(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<EventBody> {
        if !demoMode || engine.eventCount >= Self.anonymousLimit { _ = try context.requireOrganizer() }
        let event = try await engine.createEvent(DemoCatalog.concert(now: now()))
        return EditedResponse(status: .created, headers: [.location: "/api/events/\(event.id)"], response: EventBody(try engine.engine(for: event.id).snapshot, now: now()))
    }
}
