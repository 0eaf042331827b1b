import BoxofficeDomain
import BoxofficeWaitingRoom
import Foundation
import Testing

@Suite("The queue's cursor")
struct QueueStateTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func state(rate: Int = 600, joined: Int = 100, paused: Bool = false) -> QueueState {
        QueueState(
            settings: QueueSettings(enabled: true, opensAt: start.addingTimeInterval(-1_800), admitPerMinute: rate, passMinutes: 10, paused: paused),
            salesStart: start, nextPosition: joined + 1, ordered: true, advancedAt: start
        )
    }

    @Test("the cursor moves at the set rate, carrying fractions, never past the last visitor")
    func rate() {
        var state = Self.state(rate: 90)
        state.advance(to: Self.start.addingTimeInterval(1))
        #expect(state.cursor == 1 && abs(state.carry - 0.5) < 1e-9, "1.5 allowed: 1 in, half carried")
        state.advance(to: Self.start.addingTimeInterval(2))
        #expect(state.cursor == 3)
        state.advance(to: Self.start.addingTimeInterval(62))
        #expect(state.cursor == 93)
        state.advance(to: Self.start.addingTimeInterval(600))
        #expect(state.cursor == 100 && state.carry == 0, "everyone in; nothing banked")
        state.nextPosition += 50
        state.advance(to: Self.start.addingTimeInterval(601))
        #expect(state.cursor == 101, "late joiners are not let in as a crowd for the time nobody waited")
    }

    @Test("a paused queue stands still and banks nothing; an unordered pre-queue admits nobody")
    func pause() {
        var state = Self.state(rate: 600, paused: true)
        state.advance(to: Self.start.addingTimeInterval(30))
        #expect(state.cursor == 0)
        state.settings.paused = false
        state.advance(to: Self.start.addingTimeInterval(31))
        #expect(state.cursor == 10, "resuming admits at the rate from the moment of resuming")
        var early = Self.state()
        early.ordered = false
        early.advance(to: Self.start.addingTimeInterval(10))
        #expect(early.cursor == 0)
    }

    @Test("with active shoppers the cursor lets in only as many as leave room, at most at the rate, and banks nothing while full")
    func activeShoppers() {
        var state = Self.state(rate: 600)
        state.settings.activeShoppers = 20
        state.advance(to: Self.start.addingTimeInterval(1), shopping: 0)
        #expect(state.cursor == 10 && state.shopping == 10, "the rate (10 a second) is the ceiling")
        state.advance(to: Self.start.addingTimeInterval(3), shopping: 10)
        #expect(state.cursor == 20 && state.carry == 0, "room for 10 more, not the 20 the rate allows")
        state.advance(to: Self.start.addingTimeInterval(60), shopping: 20)
        #expect(state.cursor == 20, "full: nobody more")
        state.advance(to: Self.start.addingTimeInterval(61), shopping: 17)
        #expect(state.cursor == 23, "three left (paid, or their pass ended): three in, not a minute's worth")
        state.admittedLastMinute = 23
        #expect(state.pace == 23 && state.progress(of: EventID(rawValue: 1)).admitPerMinute == 23, "visitors are told the pace seen")
        state.admittedLastMinute = 0
        #expect(state.pace == 1, "a pace of at least one, so an ETA stays finite")
    }

    @Test("settings are checked against the event")
    func settings() throws {
        let details = EventDetails(
            title: "t", description: "", venue: "v", startsAt: Self.start.addingTimeInterval(86_400), salesStart: Self.start,
            salesEnd: Self.start.addingTimeInterval(3_600), holdTTLSeconds: 600, maxTicketsPerBooking: 4, currency: Currency("EUR")!
        )
        let defaults = QueueSettings.defaults(for: details, enabled: true)
        #expect(defaults.opensAt == Self.start.addingTimeInterval(-1_800) && defaults.admitPerMinute == 600 && defaults.passMinutes == 10)
        try defaults.check(for: details)
        var bad = defaults
        bad.admitPerMinute = 0
        #expect(throws: DomainError.self) { try bad.check(for: details) }
        bad = defaults
        bad.activeShoppers = 0
        #expect(throws: DomainError.self) { try bad.check(for: details) }
        bad = defaults
        bad.proofOfWork = QueueSettings.maxProofOfWork + 1
        #expect(throws: DomainError.self) { try bad.check(for: details) }
        bad = defaults
        bad.opensAt = Self.start.addingTimeInterval(1)
        #expect(throws: DomainError.self) { try bad.check(for: details) }
        bad = defaults
        bad.passMinutes = 0
        #expect(throws: DomainError.self) { try bad.check(for: details) }
    }
}
