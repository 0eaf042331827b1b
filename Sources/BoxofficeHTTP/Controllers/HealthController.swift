import BoxofficeEngine
import Hummingbird

/// `GET /health/live` (the process answers) and `GET /health/ready` (it can take bookings).
struct HealthController {
    let engine: BookingEngine

    func addRoutes(to router: Router<BoxofficeRequestContext>) {
        router.get("health/live") { _, _ in HealthBody(status: "ok") }
        router.get("health/ready") { _, _ in
            guard engine.isReady else {
                throw Problem(.serviceUnavailable, type: "not-ready", detail: "The booking engine is still loading.")
            }
            return HealthBody(status: "ready")
        }
    }
}

/// The body of a health answer.
struct HealthBody: ResponseEncodable {
    let status: String
}
