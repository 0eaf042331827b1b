import Hummingbird

/// The router's side of the admission step: refuses what ``Admission`` refuses, and puts what it admitted
/// (principal, canonical path, body limit, idempotency key) into the request's context for the steps after it.
struct AdmissionMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let admission: Admission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch admission.admit(request.head, peer: context.peerAddress) {
        case .failure(let refusal):
            throw refusal.problem
        case .success(let admitted):
            var context = context
            context.admitted = admitted
            return try await next(request, context)
        }
    }
}
