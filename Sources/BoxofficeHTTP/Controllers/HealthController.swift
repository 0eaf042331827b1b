import Hummingbird

/// `GET /health/live` (the process answers) and `GET /health/ready` (every part it needs is up: its databases, its
/// broker connections).
struct HealthController {
    let checks: [ReadinessCheck]

    func addRoutes(to router: Router<BoxofficeRequestContext>) {
        router.get("health/live") { _, _ in HealthBody(status: "ok") }
        router.get("health/ready") { _, _ in
            let waiting = checks.filter { !$0.isReady() }.map(\.name)
            guard waiting.isEmpty else {
                throw Problem(.serviceUnavailable, type: "not-ready", detail: "Waiting for \(waiting.joined(separator: ", ")).", headers: [.retryAfter: "1"])
            }
            return HealthBody(status: "ready")
        }
    }
}

/// The body of a health answer.
struct HealthBody: ResponseEncodable {
    let status: String
}
