import BoxofficeBackOffice
import BoxofficeDomain
import BoxofficeTickets
import BoxofficeWebhooks
import Hummingbird
import Logging

/// Turns every error leaving a route into a problem response, so no client ever sees a bare error.
///
/// Domain refusals map by kind; framework errors keep their status; decoding errors are 400; anything
/// else (the database is unreachable, a disk is full) is logged and answered 503, never a bare 500.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.problem(for: error, logger: context.logger).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let domain as DomainError:
            return Problem(domain)
        case let tickets as TicketError:
            return Problem(tickets)
        case let refunds as RefundError:
            return Problem(refunds)
        case let webhooks as WebhookError:
            return Problem(webhooks)
        case let http as HTTPError:
            let status = http.status
            let detail = http.body ?? (status == .notFound ? "There is nothing at this address." : status.reasonPhrase)
            return Problem(status, type: status == .notFound ? "not-found" : "http-\(status.code)", detail: detail, headers: http.headers)
        case let response as any HTTPResponseError where response.status.kind == .clientError:
            return Problem(response.status, type: "http-\(response.status.code)", detail: response.status.reasonPhrase)
        default:
            logger.error("request failed: \(String(reflecting: error))")
            return Problem(.serviceUnavailable, type: "unavailable", detail: "The service could not complete the request right now; try again shortly.")
        }
    }
}
