import BoxofficeDomain
import Foundation
import Hummingbird
import NIOCore

/// An RFC 9457 problem response: `application/problem+json` with a status, a title and a human `detail`.
public struct Problem: HTTPResponseError, Sendable {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// A short, stable URI naming the kind of problem.
    public let type: String
    /// What happened, in a sentence someone can act on.
    public let detail: String
    /// Extra response headers, such as `WWW-Authenticate`.
    public let headers: HTTPFields

    /// Creates a problem.
    public init(_ status: HTTPResponse.Status, type: String, detail: String, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.detail = detail
        self.headers = headers
    }

    /// The request is syntactically wrong: malformed JSON or a value of the wrong type (400).
    public static func malformed(_ detail: String) -> Problem { Problem(.badRequest, type: "malformed-request", detail: detail) }

    /// The request is well-formed but breaks a rule (422).
    public static func invalid(_ detail: String) -> Problem { Problem(.unprocessableContent, type: "invalid-request", detail: detail) }

    /// The request body is larger than its route takes (413).
    public static func bodyTooLarge(limit: Int) -> Problem {
        Problem(.contentTooLarge, type: "body-too-large", detail: "The request body is larger than the limit of \(limit) bytes for this route.")
    }

    /// The addressed resource does not exist (404).
    public static func notFound(_ detail: String) -> Problem { Problem(.notFound, type: "not-found", detail: detail) }

    /// The problem for a domain refusal.
    public init(_ error: DomainError) {
        switch error.kind {
        case .invalid: self = .invalid(error.detail)
        case .notFound: self = .notFound(error.detail)
        case .conflict: self.init(.conflict, type: Self.conflictType(error), detail: error.detail)
        case .tooMany:
            var headers: HTTPFields = [:]
            if case .addressCapReached(_, let wait?) = error { headers[.retryAfter] = String(wait) }
            self.init(.tooManyRequests, type: "address-limit-reached", detail: error.detail, headers: headers)
        case .forbidden:
            self.init(.forbidden, type: Self.forbiddenType(error), detail: error.detail)
        }
    }

    private static func forbiddenType(_ error: DomainError) -> String {
        switch error {
        case .queuePassUsed: "queue-pass-used"
        case .proofOfWorkRequired: "proof-of-work-required"
        default: "queue-pass-required"
        }
    }

    private static func conflictType(_ error: DomainError) -> String {
        switch error {
        case .seatsTaken: "seat-taken"
        case .poolSoldOut: "sold-out"
        case .salesNotOpen: "sales-not-open"
        case .emailTaken: "email-taken"
        case .customerCapReached: "ticket-limit-reached"
        case .keyClaimLost: "idempotency-key-in-use"
        case .notEnoughSeats: "not-enough-seats"
        case .orphanSeat: "orphan-seat"
        case .eventStateConflict: "event-state-conflict"
        default: "booking-state-conflict"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json(instance: request.uri.path))))
    }

    /// The body, written by hand (every 409 of a flash sale is one), with the members the API's encoder would
    /// write, in its order.
    func json(instance: String) -> String {
        #"{"detail":\#(JSONText.quoted(detail)),"instance":\#(JSONText.quoted(instance)),"status":\#(status.code),"#
            + #""title":\#(JSONText.quoted(status.reasonPhrase)),"type":\#(JSONText.quoted("https://boxoffice.dev/problems/" + type))}"#
    }
}
