import BoxofficeAuth
import BoxofficeWebhooks
import Foundation
import Hummingbird

/// The organizer's webhooks: endpoints registered for topics, and each endpoint's deliveries with their attempts, which
/// can be sent again. Organizers only.
struct WebhookController {
    let webhooks: WebhookRoutes
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.post("webhooks", use: register)
        group.get("webhooks", use: list)
        group.get("webhooks/:id", use: show)
        group.delete("webhooks/:id", use: delete)
        group.get("webhooks/:id/deliveries", use: deliveries)
        group.post("webhooks/:id/deliveries/:delivery/resend", use: resend)
    }

    /// The most deliveries one page lists.
    static let largestPage = 100

    private func register(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<WebhookEndpointBody> {
        let organizer = try context.requireOrganizer()
        let body = try await request.decodeJSON(WebhookRequestBody.self, limit: context.bodyLimit)
        let allowPrivate = webhooks.addressGuard.allowPrivate
        var endpoint = try WebhookEndpoint.register(url: body.url, topics: body.events, by: organizer.owner, at: now(), allowPrivate: allowPrivate)
        _ = try await webhooks.addressGuard.check(WebhookURL(endpoint.url, allowPrivate: allowPrivate))
        // Dated once checked, right before it is kept: it is told of everything recorded from then on.
        endpoint.createdAt = now()
        try await webhooks.store.addEndpoint(endpoint)
        return EditedResponse(
            status: .created, headers: [.location: "/api/webhooks/\(endpoint.id.uuidString.lowercased())"],
            response: WebhookEndpointBody(endpoint, showingSecret: true)
        )
    }

    private func list(_ request: Request, context: BoxofficeRequestContext) async throws -> WebhookListBody {
        _ = try context.requireOrganizer()
        return WebhookListBody(webhooks: try await webhooks.store.endpoints().map { WebhookEndpointBody($0, showingSecret: false) })
    }

    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> WebhookEndpointBody {
        _ = try context.requireOrganizer()
        return WebhookEndpointBody(try await endpoint(context), showingSecret: true)
    }

    private func delete(_ request: Request, context: BoxofficeRequestContext) async throws -> Response {
        _ = try context.requireOrganizer()
        let id = try endpointID(context)
        guard try await webhooks.store.deleteEndpoint(id, at: now()) else { throw WebhookError.noSuchEndpoint(id) }
        return Response(status: .noContent)
    }

    private func deliveries(_ request: Request, context: BoxofficeRequestContext) async throws -> WebhookDeliveryPageBody {
        _ = try context.requireOrganizer()
        let endpoint = try await endpoint(context)
        let query = request.uri.queryParameters
        var status: WebhookDelivery.Status?
        if let text = query.get("status"), !text.isEmpty {
            guard let parsed = WebhookDelivery.Status(rawValue: text) else {
                throw Problem.malformed("status must be one of \(WebhookDelivery.Status.allCases.map(\.rawValue).joined(separator: ", ")), not \(text).")
            }
            status = parsed
        }
        var limit = 20
        if let text = query.get("limit") {
            guard let value = Int(text), (1 ... Self.largestPage).contains(value) else {
                throw Problem.malformed("limit must be a whole number from 1 to \(Self.largestPage), not \(text).")
            }
            limit = value
        }
        var before: Int64?
        if let text = query.get("before") {
            guard let value = Int64(text), value > 0 else { throw Problem.malformed("before must be the next of a previous page, not \(text).") }
            before = value
        }
        let found = try await webhooks.store.deliveries(of: endpoint.id, status: status, before: before, limit: limit + 1)
        let page = Array(found.prefix(limit))
        let attempts = try await webhooks.store.attempts(of: page.map(\.id))
        return WebhookDeliveryPageBody(
            deliveries: page.map { WebhookDeliveryBody($0, attempts: attempts[$0.id] ?? []) },
            next: found.count > limit ? page.last.map { String($0.seq) } : nil
        )
    }

    private func resend(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<WebhookDeliveryBody> {
        _ = try context.requireOrganizer()
        let endpoint = try await endpoint(context)
        let text = context.parameters.get("delivery") ?? ""
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("The webhook has no delivery \(text).") }
        let at = now()
        guard let delivery = try await webhooks.store.resend(id, of: endpoint.id, at: at, until: at.addingTimeInterval(webhooks.retryWindow)) else {
            guard try await webhooks.store.delivery(id, of: endpoint.id) != nil else { throw WebhookError.noSuchDelivery(id) }
            throw WebhookError.deliveryPending(id)
        }
        let attempts = try await webhooks.store.attempts(of: [id])
        return EditedResponse(status: .accepted, response: WebhookDeliveryBody(delivery, attempts: attempts[id] ?? []))
    }

    private func endpointID(_ context: BoxofficeRequestContext) throws -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("There is no webhook \(text).") }
        return id
    }

    private func endpoint(_ context: BoxofficeRequestContext) async throws -> WebhookEndpoint {
        let id = try endpointID(context)
        guard let endpoint = try await webhooks.store.endpoint(id) else { throw WebhookError.noSuchEndpoint(id) }
        return endpoint
    }
}
