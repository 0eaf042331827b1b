import BoxofficeAuth
import BoxofficeDomain
import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Makes every write (`POST` under `/api/`, but `/api/auth/…`) with an `Idempotency-Key` happen once.
///
/// The key is scoped to the request's identity (a request without a token cannot use one) and claimed in the service's
/// database with a fingerprint of method, path and body. The same key again with the same request gets the first
/// answer again, marked `Idempotent-Replayed: true`; with another request `422`; while the first still runs `409`.
/// Answers below 500 are kept (two days), but refusals of the request's form; a `5xx` gives the key up, so the client's
/// retry runs anew. The writes themselves record their key in their own transaction — a hold or a pay as its claim's
/// effect (``KeyClaim``), a deposit in the payment service (``PaymentApplier``) — so a retry after a crash between the
/// write's commit and its answer being kept finds what was written and answers from it (``IdempotencyClaim/effectCommitted(_:)``),
/// and a write whose claim was given up or taken over writes nothing. `/api/auth/…` answers carry credentials, which
/// are never stored: there the header is ignored.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = BoxofficeRequestContext

    let store: any IdempotencyStore
    let now: @Sendable () -> Date

    /// A claim not renewed for this long belongs to a request whose process died: a retry may take it over.
    static let lease: TimeInterval = 10
    /// How often a running request renews its claim.
    static let renewEvery: Duration = .seconds(3)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The admission step checked the key's form and that a token came with it.
        guard let admitted = context.admitted, let key = admitted.idempotencyKey, let owner = admitted.principal?.owner else {
            return try await next(request, context)
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: admitted.bodyLimit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: admitted.bodyLimit)
        }
        let at = now()
        let claim = UUID()
        var context = context
        context.keyClaim = KeyClaim(owner: owner, key: key, claim: claim)
        switch try await store.claimIdempotencyKey(
            key, owner: owner, fingerprint: Self.fingerprint(request, body: body), claim: claim, at: at, staleBefore: at.addingTimeInterval(-Self.lease)
        ) {
        case .effectCommitted(let effect):
            context.committedEffect = effect
        case .replay(let answer):
            return Self.response(answer)
        case .running:
            throw Problem(.conflict, type: "idempotency-key-in-use", detail: "A request with this Idempotency-Key is still running; try again once it is answered.")
        case .differentRequest:
            throw Problem(
                .unprocessableContent, type: "idempotency-key-reused",
                detail: "This Idempotency-Key was used for another request (method, path or body); use a new key for a new request."
            )
        case .fresh:
            break
        }
        // While the request runs its claim is renewed; should this process die, the claim lapses within the lease.
        let renewal = Task { [store, now] in
            while !Task.isCancelled {
                try await Task.sleep(for: Self.renewEvery)
                try? await store.renewIdempotencyClaim(key, owner: owner, claim: claim, at: now())
            }
        }
        defer { renewal.cancel() }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = ProblemMiddleware<Context>.problem(for: error, logger: context.logger)
            guard problem.status.code < 500 else {
                try? await store.releaseIdempotencyKey(key, owner: owner, claim: claim)
                throw error
            }
            response = try problem.response(from: request, context: context)
        }
        return try await keep(response, key: key, owner: owner, claim: claim, logger: context.logger)
    }

    /// Collects the answer, stores it unless a retry may get another (a `5xx`, or a refusal of the request's form
    /// that ran nothing: 400, 401, 403, 413, 415, 429), and sends it on.
    private func keep(_ response: Response, key: String, owner: String, claim: UUID, logger: Logger) async throws -> Response {
        var response = response
        let collector = BodyCollector()
        try await response.body.write(collector)
        let body = collector.buffer
        response.body = ResponseBody(byteBuffer: body)
        guard response.status.code < 500, !Self.formRefusals.contains(response.status.code) else {
            try? await store.releaseIdempotencyKey(key, owner: owner, claim: claim)
            return response
        }
        let answer = RecordedAnswer(
            status: response.status.code, contentType: response.headers[.contentType], location: response.headers[.location],
            body: Array(body.readableBytesView)
        )
        do {
            try await store.recordIdempotentAnswer(answer, key: key, owner: owner, claim: claim, at: now())
        } catch {
            // The write is done: its answer goes out. A repeat meanwhile finds the key running (409) until the
            // claim goes stale.
            logger.warning("could not keep the answer of an Idempotency-Key: \(String(reflecting: error))")
        }
        return response
    }

    /// Statuses that refuse a request's form before anything runs; a corrected retry with the key runs anew.
    static let formRefusals: Set<Int> = [400, 401, 403, 413, 415, 429]

    private static func fingerprint(_ request: Request, body: ByteBuffer) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        hash.update(data: Array(body.readableBytesView))
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func response(_ answer: RecordedAnswer) -> Response {
        var headers: HTTPFields = [.idempotentReplayed: "true"]
        if let type = answer.contentType { headers[.contentType] = type }
        if let location = answer.location { headers[.location] = location }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Gathers a response body's bytes.
private final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var buffer = ByteBuffer()

    func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        self.buffer.writeBuffer(&buffer)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
