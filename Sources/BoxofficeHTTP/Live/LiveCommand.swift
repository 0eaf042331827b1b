import BoxofficeDomain
import Foundation

/// A message a client sends on `/api/ws`.
///
/// `{"action": "auth", "token": "…"}` (browsers cannot send a header with a WebSocket), `{"action": "subscribe",
/// "event_id": 1}`, `{"action": "subscribe", "customer": "<identity id>"}`, `{"action": "subscribe", "queue": 1}` (an
/// event's waiting room), `{"action": "subscribe", "checkins": 1}` (an event's doors, for an organizer), the same with `"unsubscribe"`, and `{"action": "ping"}`.
enum LiveCommand: Equatable {
    case authenticate(String)
    case subscribe(LiveTopic)
    case unsubscribe(LiveTopic)
    case ping

    private struct Body: Decodable {
        let action: String
        let eventId: Int64?
        let customer: String?
        let queue: Int64?
        let checkins: Int64?
        let token: String?
    }

    /// Reads a command.
    /// - Throws: ``LiveCommandError`` with a sentence for the client.
    static func parse(_ text: String) throws(LiveCommandError) -> LiveCommand {
        let body: Body
        do {
            body = try APICoding.makeDecoder().decode(Body.self, from: Data(text.utf8))
        } catch {
            throw LiveCommandError(detail: #"Send a JSON object such as {"action": "subscribe", "event_id": 1}."#)
        }
        switch body.action {
        case "ping":
            return .ping
        case "auth":
            guard let token = body.token, !token.isEmpty else { throw LiveCommandError(detail: #"Send {"action": "auth", "token": "<access token>"}."#) }
            return .authenticate(token)
        case "subscribe":
            return .subscribe(try topic(of: body))
        case "unsubscribe":
            return .unsubscribe(try topic(of: body))
        default:
            throw LiveCommandError(detail: "Unknown action \(body.action); use auth, subscribe, unsubscribe or ping.")
        }
    }

    private static func topic(of body: Body) throws(LiveCommandError) -> LiveTopic {
        switch (body.eventId, body.customer, body.queue, body.checkins) {
        case (let event?, nil, nil, nil):
            return .event(EventID(rawValue: event))
        case (nil, nil, let queue?, nil):
            return .queue(EventID(rawValue: queue))
        case (nil, nil, nil, let doors?):
            return .checkins(EventID(rawValue: doors))
        case (nil, let customer?, nil, nil):
            do {
                return .customer(try TextRules.required(customer, field: "customer"))
            } catch {
                throw LiveCommandError(detail: "customer must be a non-empty name without control characters.")
            }
        default:
            throw LiveCommandError(detail: "Name exactly one of event_id, customer, queue or checkins.")
        }
    }
}

/// Why a client's message was refused.
struct LiveCommandError: Error, Equatable {
    /// The sentence sent back to the client.
    let detail: String
}
