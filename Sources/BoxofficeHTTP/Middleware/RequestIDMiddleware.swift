import HTTPTypes
import Hummingbird
import Logging

/// Carries a request's `X-Request-Id` (the gateway sets one on every request) into every log line written
/// while the request is served, in place of the framework's own id, and answers it back.
///
/// An id is 1–128 letters, digits and `._:-`; any other value is ignored (the framework's id is logged, none
/// is answered), like a request without one.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = request.headers[.requestID], Self.isValid(id) else { return try await next(request, context) }
        var context = context
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// Whether a value may serve as a request id.
    static func isValid(_ id: String) -> Bool {
        let utf8 = id.utf8
        return (1...128).contains(utf8.count) && utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
