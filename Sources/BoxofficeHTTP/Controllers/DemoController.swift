import BoxofficeDomain
import BoxofficeEngine
import Foundation
import Hummingbird

/// The seed's `POST /api/init_db`: creates another demo concert (open to all in demo mode, organizers otherwise).
struct DemoController {
    let engine: BookingEngine
    let organizer: OrganizerGuard
    let demoMode: Bool
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("init_db", use: initDatabase)
    }

    private func initDatabase(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<EventBody> {
        if !demoMode { try organizer.authorize(request) }
        let event = try await engine.createEvent(DemoCatalog.concert(now: now()))
        return EditedResponse(status: .created, headers: [.location: "/api/events/\(event.id)"], response: EventBody(try engine.engine(for: event.id).snapshot))
    }
}
