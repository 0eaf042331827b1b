import Hummingbird

/// Answers 503 to a service's requests until what it needs is up (its database loaded and migrated).
struct ReadinessMiddleware<Context: RequestContext>: RouterMiddleware {
    let check: ReadinessCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard check.isReady() else {
            throw Problem(
                .serviceUnavailable, type: "not-ready",
                detail: "The service is starting and cannot reach \(check.name) yet; try again shortly.",
                headers: [.retryAfter: "1"]
            )
        }
        return try await next(request, context)
    }
}
