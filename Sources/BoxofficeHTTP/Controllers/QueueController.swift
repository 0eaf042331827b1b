import BoxofficeAuth
import BoxofficeDomain
import BoxofficeEngine
import BoxofficeWaitingRoom
import Foundation
import Hummingbird
import Metrics

/// Waiting rooms: an event's queue (its settings, its cursor), joining it, one's place and admission pass; the
/// organizer sets it up and changes it while it runs.
struct QueueController {
    let engine: BookingEngine
    let room: WaitingRoom
    let queues: any QueueStore
    let authenticator: Authenticator
    let now: @Sendable () -> Date

    func addRoutes(to group: RouterGroup<BoxofficeRequestContext>) {
        group.get("events/:id/queue", use: show)
        group.put("events/:id/queue", use: configure)
        group.post("events/:id/queue", use: join)
        group.get("events/:id/queue/me", use: me)
        group.get("events/:id/queue/challenge", use: challenge)
    }

    /// The queue as anyone may see it: its settings, where the cursor is and how many joined.
    private func show(_ request: Request, context: BoxofficeRequestContext) async throws -> QueueBody {
        let event = try self.event(context)
        guard let state = try await queues.queueState(of: event.id) else { throw DomainError.noWaitingRoom(event.id) }
        return QueueBody(state)
    }

    /// Sets up or changes an event's waiting room (organizer): enable, pause, resume, change the rate.
    private func configure(_ request: Request, context: BoxofficeRequestContext) async throws -> QueueBody {
        _ = try context.requireOrganizer()
        let event = try self.event(context)
        let body = try await request.decodeJSON(QueueSettingsRequest.self, limit: context.bodyLimit)
        let current = try await queues.queueState(of: event.id)?.settings ?? QueueSettings.defaults(for: event.details, enabled: true)
        let settings = body.applied(to: current)
        try settings.check(for: event.details)
        let state = try await queues.saveQueueSettings(settings, of: event.id, salesStart: event.details.salesStart, at: now())
        // This instance asks its holds for a pass (or stops) at once; the others re-read the event when told.
        await engine.follow(event.id, .any)
        return QueueBody(state)
    }

    /// Joins the queue; an anonymous visitor gets a new guest, whose token comes back with its place. A waiting room
    /// that asks for a proof of work reads it from the body: `{"proof": {"challenge", "nonce"}}`.
    private func join(_ request: Request, context: BoxofficeRequestContext) async throws -> EditedResponse<QueuePlaceBody> {
        let event = try self.event(context)
        let body = try await request.decodeOptionalJSON(QueueJoinRequest.self, limit: context.bodyLimit)
        let proof = body?.proof.map { (challenge: $0.challenge, nonce: $0.nonce) }
        // The proof is checked before a guest is made: a join it refuses costs nothing more.
        let checked: CheckedJoin
        do {
            checked = try await room.checkProof(event, proof: proof, now: now())
        } catch let error as DomainError {
            let reason = if case .proofOfWorkRequired = error { "proof_of_work" } else { "closed" }
            Counter(label: "boxoffice_queue_joins_refused_total", dimensions: [("event", String(event.id.rawValue)), ("reason", reason)]).increment()
            throw error
        }
        let (principal, guestToken): (Principal, String?) = if let principal = context.principal { (principal, nil) } else { try authenticator.newGuest() }
        let place = try await room.join(event, identity: principal.owner, now: now(), checked: checked)
        return EditedResponse(status: .ok, response: QueuePlaceBody(place, guestToken: guestToken))
    }

    /// A proof-of-work challenge to join with (404 when the waiting room asks for none).
    private func challenge(_ request: Request, context: BoxofficeRequestContext) async throws -> ChallengeBody {
        let event = try self.event(context)
        guard let challenge = try await room.challenge(for: event.id, address: context.admitted?.address, now: now()) else {
            throw Problem.notFound("The waiting room of event \(event.id) asks for no proof of work: join without one.")
        }
        return ChallengeBody(challenge: challenge.text, difficulty: challenge.difficulty, expiresAt: challenge.expiresAt)
    }

    /// The caller's place, and its pass once admitted.
    private func me(_ request: Request, context: BoxofficeRequestContext) async throws -> QueuePlaceBody {
        let principal = try context.requirePrincipal()
        return QueuePlaceBody(try await room.place(in: try self.event(context).id, identity: principal.owner, now: now()))
    }

    private func event(_ context: BoxofficeRequestContext) throws -> Event {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text) else { throw Problem.notFound("There is no event with id \(text).") }
        let event = try engine.engine(for: EventID(rawValue: id)).snapshot.event
        // A draft's waiting room is the organizers' alone, like the draft.
        guard event.details.isVisibleToCustomers || context.principal?.role == .organizer else { throw DomainError.eventNotFound(event.id) }
        return event
    }
}

/// `PUT /api/events/{id}/queue`: what to change; what is left out stays. `proof_of_work` is a number of leading zero
/// bits, or `true` for the default; `active_shoppers: null` goes back to the rate alone.
struct QueueSettingsRequest: Decodable {
    let enabled: Bool?
    let opensAt: Date?
    let admitPerMinute: Int?
    let passMinutes: Int?
    let paused: Bool?
    let activeShoppers: Setting<Int>
    let proofOfWork: ProofOfWorkSetting?

    func applied(to settings: QueueSettings) -> QueueSettings {
        var settings = settings
        if let enabled { settings.enabled = enabled }
        if let opensAt { settings.opensAt = opensAt }
        if let admitPerMinute { settings.admitPerMinute = admitPerMinute }
        if let passMinutes { settings.passMinutes = passMinutes }
        if let paused { settings.paused = paused }
        settings.activeShoppers = activeShoppers.value(default: settings.activeShoppers)
        if let proofOfWork { settings.proofOfWork = proofOfWork.bits }
        return settings
    }
}

/// `proof_of_work` as an organizer may write it: `true` (the default difficulty), `false` (none), or the bits.
struct ProofOfWorkSetting: Decodable {
    let bits: Int

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            bits = flag ? QueueSettings.defaultProofOfWork : 0
        } else {
            bits = try container.decode(Int.self)
        }
    }
}

/// `POST /api/events/{id}/queue`: the proof of work, when the waiting room asks for one.
struct QueueJoinRequest: Decodable {
    struct Proof: Decodable {
        let challenge: String
        let nonce: String
    }

    let proof: Proof?
}

/// `GET /api/events/{id}/queue/challenge`: find a `nonce` such that SHA-256 of `challenge + nonce` (as UTF-8) starts
/// with `difficulty` zero bits.
struct ChallengeBody: ResponseEncodable {
    let challenge: String
    let difficulty: Int
    let expiresAt: Date
}

/// An event's queue as the API shows it.
struct QueueBody: ResponseEncodable {
    let enabled: Bool
    let opensAt: Date
    let salesStart: Date
    let admitPerMinute: Int
    let passMinutes: Int
    let paused: Bool
    let activeShoppers: Int?
    /// Leading zero bits a join's proof of work needs (0: none).
    let proofOfWork: Int
    /// Positions up to this one are admitted.
    let cursor: Int
    /// When the cursor last ticked (moved, or stood while paused or full), in milliseconds since 1970: the admission
    /// rate achieved is the cursor's change over this one's.
    let tickedAtMs: Int64
    /// How many hold a position (the pre-queue counts once it is drawn).
    let joined: Int
    /// How many wait behind the cursor.
    let waiting: Int
    /// Admitted visitors still shopping, when the queue keeps a number of them (`active_shoppers`).
    let shopping: Int?

    init(_ state: QueueState) {
        enabled = state.settings.enabled
        opensAt = state.settings.opensAt
        salesStart = state.salesStart
        admitPerMinute = state.settings.admitPerMinute
        passMinutes = state.settings.passMinutes
        paused = state.settings.paused
        activeShoppers = state.settings.activeShoppers
        proofOfWork = state.settings.proofOfWork
        shopping = state.shopping
        cursor = state.cursor
        tickedAtMs = Int64((state.advancedAt.timeIntervalSince1970 * 1_000).rounded())
        joined = state.positioned
        waiting = state.positioned - state.cursor
    }
}

/// A visitor's place as the API shows it.
struct QueuePlaceBody: ResponseEncodable {
    let state: String
    let position: Int?
    let ahead: Int?
    let etaSeconds: Int?
    let opensAt: Date
    let salesStart: Date
    let pass: String?
    let passExpiresAt: Date?
    /// The token of the guest made for an anonymous visitor.
    let guestToken: String?

    init(_ place: QueuePlace, guestToken: String? = nil) {
        state = place.state.rawValue
        position = place.position
        ahead = place.ahead
        etaSeconds = place.etaSeconds
        opensAt = place.opensAt
        salesStart = place.salesStart
        pass = place.pass
        passExpiresAt = place.passExpiresAt
        self.guestToken = guestToken
    }
}
