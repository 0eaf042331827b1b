import BoxofficeDomain
import Foundation

/// How an event's waiting room runs, as its organizer sets it; editable while the queue runs.
public struct QueueSettings: Sendable, Equatable {
    /// Whether holds of the event need an admission pass.
    public var enabled: Bool
    /// When visitors may start to join (the pre-queue); joining earlier is refused.
    public var opensAt: Date
    /// How many waiting visitors are let in per minute.
    public var admitPerMinute: Int
    /// How long an admitted visitor may shop.
    public var passMinutes: Int
    /// Whether admission is paused (the cursor stands still; joining goes on).
    public var paused: Bool

    /// Creates settings.
    public init(enabled: Bool, opensAt: Date, admitPerMinute: Int, passMinutes: Int, paused: Bool = false) {
        self.enabled = enabled
        self.opensAt = opensAt
        self.admitPerMinute = admitPerMinute
        self.passMinutes = passMinutes
        self.paused = paused
    }

    /// The defaults for an event: the pre-queue opens 30 minutes before sales start; 600 visitors a minute; 10
    /// minutes to shop.
    public static func defaults(for details: EventDetails, enabled: Bool) -> QueueSettings {
        QueueSettings(enabled: enabled, opensAt: details.salesStart.addingTimeInterval(-30 * 60), admitPerMinute: 600, passMinutes: 10)
    }

    /// The most visitors one queue admits per minute.
    public static let maxAdmitPerMinute = 1_000_000

    /// Checks the settings against the event.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    public func check(for details: EventDetails) throws(DomainError) {
        guard (1 ... Self.maxAdmitPerMinute).contains(admitPerMinute) else {
            throw .invalid("queue.admit_per_minute must be between 1 and \(Self.maxAdmitPerMinute).")
        }
        guard (1 ... 240).contains(passMinutes) else { throw .invalid("queue.pass_minutes must be between 1 and 240.") }
        guard opensAt <= details.salesStart else { throw .invalid("queue.opens_at must not be after sales_start.") }
    }
}
