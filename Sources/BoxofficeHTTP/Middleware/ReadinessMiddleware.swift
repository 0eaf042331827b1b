import BoxofficeEngine
import Hummingbird

/// Answers 503 to API requests until the engine has loaded its state from the database.
struct ReadinessMiddleware<Context: RequestContext>: RouterMiddleware {
    let engine: BookingEngine

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard engine.isReady else {
            throw Problem(
                .serviceUnavailable, type: "not-ready",
                detail: "The booking service is starting and cannot reach its database yet; try again shortly.",
                headers: [.retryAfter: "1"]
            )
        }
        return try await next(request, context)
    }
}
