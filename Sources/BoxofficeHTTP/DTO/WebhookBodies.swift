import BoxofficeDomain
import BoxofficeWebhooks
import Foundation
import Hummingbird

/// `POST /api/webhooks`: where to send, and which topics.
struct WebhookRequestBody: Decodable {
    let url: String
    /// The topics (`booking.confirmed`, `booking.refunded`, `checkin.admitted`, `event.sold_out`, `event.cancelled`).
    let events: [String]
}

/// An endpoint; its secret only where the organizer asked for that one endpoint (its registration, or its page).
struct WebhookEndpointBody: ResponseEncodable {
    let id: String
    let url: String
    let events: [String]
    let secret: String?
    let createdBy: String
    let createdAt: Date

    init(_ endpoint: WebhookEndpoint, showingSecret: Bool) {
        id = endpoint.id.uuidString.lowercased()
        url = endpoint.url
        events = endpoint.topics.map(\.rawValue).sorted()
        secret = showingSecret ? endpoint.secret : nil
        createdBy = endpoint.createdBy
        createdAt = endpoint.createdAt
    }
}

/// The endpoints.
struct WebhookListBody: ResponseEncodable {
    let webhooks: [WebhookEndpointBody]
}

/// One attempt at a delivery.
struct WebhookAttemptBody: Encodable {
    let number: Int
    let at: Date
    /// The HTTP status answered; absent when none came.
    let statusCode: Int?
    /// What went wrong, or the start of the answer.
    let detail: String
    let milliseconds: Int

    init(_ attempt: WebhookAttempt) {
        number = attempt.number
        at = attempt.at
        statusCode = attempt.statusCode
        detail = attempt.detail
        milliseconds = attempt.milliseconds
    }
}

/// A delivery with its attempts.
struct WebhookDeliveryBody: ResponseEncodable {
    let id: String
    let noticeId: String
    let topic: String
    let status: String
    let attempts: Int
    let createdAt: Date
    /// When it is next tried, while pending.
    let nextAttemptAt: Date?
    /// When it is parked if it keeps failing.
    let retryUntil: Date
    let deliveredAt: Date?
    /// The JSON sent.
    let body: String
    let attemptLog: [WebhookAttemptBody]

    init(_ delivery: WebhookDelivery, attempts: [WebhookAttempt]) {
        id = delivery.id.uuidString.lowercased()
        noticeId = delivery.noticeID.uuidString.lowercased()
        topic = delivery.topic.rawValue
        status = delivery.status.rawValue
        self.attempts = delivery.attempts
        createdAt = delivery.createdAt
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt : nil
        retryUntil = delivery.retryUntil
        deliveredAt = delivery.deliveredAt
        body = delivery.body
        attemptLog = attempts.map(WebhookAttemptBody.init)
    }
}

/// A page of deliveries, newest first; `next` is the `before` of the page after.
struct WebhookDeliveryPageBody: ResponseEncodable {
    let deliveries: [WebhookDeliveryBody]
    let next: String?
}
