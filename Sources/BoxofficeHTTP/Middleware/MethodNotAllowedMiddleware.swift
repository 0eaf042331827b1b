import HTTPTypes
import Hummingbird
import Synchronization

/// Answers `405 Method Not Allowed` with `Allow` to a request whose path is a route's but whose method is not
/// (the router alone would say `404`, as if the path did not exist).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            throw Problem(
                .methodNotAllowed, type: "method-not-allowed",
                detail: "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method.rawValue).",
                headers: [.allow: allowed.joined(separator: ", ")]
            )
        }
    }
}

/// The router's routes as path patterns and their methods, filled once the routes are added.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(pattern: [Substring], method: String)]>([])

    /// Takes the router's routes (`/api/events/{id}` names a parameter).
    func set(_ routes: [(method: String, path: String)]) {
        self.routes.withLock { $0 = routes.map { (Self.segments($0.path), $0.method) } }
    }

    /// The methods of the routes whose pattern the path matches, sorted.
    func methods(for path: String) -> [String] {
        let segments = Self.segments(path)
        return routes.withLock { routes in
            Set(routes.filter { Self.matches($0.pattern, segments) }.map(\.method)).sorted()
        }
    }

    private static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == $1 || ($0.hasPrefix("{") && $0.hasSuffix("}")) || $0.hasPrefix(":") }
    }
}
