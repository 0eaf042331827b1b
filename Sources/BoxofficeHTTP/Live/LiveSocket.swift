import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle

/// The `/api/ws` endpoint: upgrades requests for it and reads the client's commands until either side closes;
/// what the client gets, replies and pushes alike, its ``LiveConnection`` writes.
public struct LiveSocket: Sendable {
    /// The path the endpoint answers on.
    public static let path = APIRoutes.liveSocketPath
    /// The largest command a client may send, in bytes.
    static let maxCommandSize = 4 * 1024
    /// The WebSocket settings of the server: no frame larger than a command, a ping every 30 s.
    public static let configuration = WebSocketServerConfiguration(maxFrameSize: maxCommandSize, autoPing: .enabled(timePeriod: .seconds(30)))

    private let hub: LiveHub
    private let engine: BookingEngine
    private let authenticator: Authenticator
    private let origins: OriginPolicy
    private let connections: ConnectionLimits?

    /// Creates the endpoint over a hub; the engine gives the version an event subscription starts at.
    /// - Parameters:
    ///   - authenticator: reads the token a client sends, to let it watch its own bookings and wallet.
    ///   - origins: the web pages allowed to open a socket.
    /// - Parameter connections: the connection caps, whose guard stops timing a connection that becomes a socket.
    public init(hub: LiveHub, engine: BookingEngine, authenticator: Authenticator, origins: OriginPolicy, connections: ConnectionLimits? = nil) {
        self.connections = connections
        self.hub = hub
        self.engine = engine
        self.authenticator = authenticator
        self.origins = origins
    }

    /// Whether a request becomes a WebSocket: only on ``path``, and only once the engine is ready (before
    /// that the request falls through to the API, which answers 503).
    /// - Parameter channel: the connection's channel, on which the hub writes once the upgrade is done.
    public func shouldUpgrade(_ head: HTTPRequest, channel: any Channel) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let path = head.path.map { $0.split(separator: "?", maxSplits: 1).first.map(String.init) ?? $0 }
        guard path == Self.path, engine.isReady, origins.allows(head) else { return .dontUpgrade }
        connections?.upgraded(channel)
        // A client that can send a header (not a browser) may authenticate with the upgrade itself.
        let principal = try? authenticator.principal(authorization: head.headerFields[.authorization])
        return .upgrade([:]) { inbound, _, _ in
            try await serve(inbound: inbound, channel: channel, principal: principal)
        }
    }

    /// Reads the client's commands until it closes; everything the client gets is written by its
    /// ``LiveConnection``, replies and pushes alike, so they reach it in the order they were sent. When the server
    /// shuts down the socket is closed with 1001 (going away): the client reconnects, to another instance if the
    /// gateway has one, and a socket no longer holds the shutdown up.
    private func serve(inbound: WebSocketInboundStream, channel: any Channel, principal: Principal?) async throws {
        var principal = principal
        let connection = hub.connect(channel)
        defer { hub.disconnect(connection) }
        try await channel.eventLoop.submit { try connection.attach() }.get()
        try await withGracefulShutdownHandler {
            for try await message in inbound.messages(maxSize: Self.maxCommandSize) {
                guard case .text(let text) = message else {
                    reply(LiveMessage.Refusal(detail: "Send commands as text frames."), on: connection)
                    continue
                }
                handle(text, on: connection, as: &principal)
            }
        } onGracefulShutdown: {
            channel.eventLoop.execute { connection.close(code: 1001, reason: "the server is shutting down; connect again") }
        }
    }

    private func handle(_ text: String, on connection: LiveConnection, as principal: inout Principal?) {
        let command: LiveCommand
        do {
            command = try LiveCommand.parse(text)
        } catch {
            reply(LiveMessage.Refusal(detail: error.detail), on: connection)
            return
        }
        switch command {
        case .ping:
            reply(LiveMessage.Pong(), on: connection)
        case .authenticate(let token):
            do {
                principal = try authenticator.principal(authorization: "Bearer " + token)
                reply(LiveMessage.Authenticated(identity: principal?.owner ?? ""), on: connection)
            } catch {
                reply(LiveMessage.Refusal(detail: error.detail), on: connection)
            }
        case .subscribe(let topic):
            switch topic {
            case .event(let id) where !visible(id, to: principal), .queue(let id) where !visible(id, to: principal), .checkins(let id) where !visible(id, to: principal):
                reply(LiveMessage.Refusal(detail: "There is no event with id \(id)."), on: connection)
                return
            case .customer(let customer) where !(principal?.mayAct(for: customer) ?? false):
                reply(LiveMessage.Refusal(detail: #"You may watch only your own bookings and wallet: send {"action": "auth", "token": "<access token>"} first, then subscribe with your identity id."#), on: connection)
                return
            case .checkins where principal?.role != .organizer:
                reply(LiveMessage.Refusal(detail: #"Only an organizer may watch an event's doors: send {"action": "auth", "token": "<organizer's access token>"} first."#), on: connection)
                return
            default:
                break
            }
            guard hub.subscribe(connection, to: topic) else {
                reply(LiveMessage.Refusal(detail: "A connection may watch at most a few dozen topics; unsubscribe first."), on: connection)
                return
            }
            reply(subscription("subscribed", topic), on: connection)
            hub.sendLatest(of: topic, to: connection)
        case .unsubscribe(let topic):
            hub.unsubscribe(connection, from: topic)
            reply(subscription("unsubscribed", topic), on: connection)
        }
    }

    private func subscription(_ type: String, _ topic: LiveTopic) -> LiveMessage.Subscription {
        switch topic {
        case .event(let id):
            let snapshot = try? engine.engine(for: id).snapshot
            return LiveMessage.Subscription(
                type: type, eventId: id.rawValue, customer: nil, queue: nil, checkins: nil,
                epoch: SeatMapEpoch.of(hub.epoch, layoutVersion: snapshot?.event.layoutVersion ?? 0), version: snapshot?.version
            )
        case .customer(let name):
            return LiveMessage.Subscription(type: type, eventId: nil, customer: name, queue: nil, checkins: nil, epoch: nil, version: nil)
        case .queue(let id):
            return LiveMessage.Subscription(type: type, eventId: nil, customer: nil, queue: id.rawValue, checkins: nil, epoch: nil, version: nil)
        case .checkins(let id):
            return LiveMessage.Subscription(type: type, eventId: nil, customer: nil, queue: nil, checkins: id.rawValue, epoch: nil, version: nil)
        }
    }

    private func reply(_ message: some Encodable, on connection: LiveConnection) {
        guard let payload = try? LiveMessage.encode(message) else { return }
        connection.send(LiveFrame.text(payload))
    }
}

extension LiveSocket {
    /// Whether an event exists for this connection: a draft is the organizers' alone.
    func visible(_ id: EventID, to principal: Principal?) -> Bool {
        guard let event = try? engine.engine(for: id).snapshot.event else { return false }
        return event.details.isVisibleToCustomers || principal?.role == .organizer
    }
}
