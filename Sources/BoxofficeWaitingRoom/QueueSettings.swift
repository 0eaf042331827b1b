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
    /// At most this many admitted visitors shop at once: the next are let in as others pay, or their pass ends; nil
    /// admits at the rate alone.
    public var activeShoppers: Int?
    /// How many leading zero bits the proof of work of a join needs (more for an address that joins often); 0 asks
    /// for none.
    public var proofOfWork: Int

    /// Creates settings.
    public init(
        enabled: Bool, opensAt: Date, admitPerMinute: Int, passMinutes: Int, paused: Bool = false, activeShoppers: Int? = nil, proofOfWork: Int = 0
    ) {
        self.enabled = enabled
        self.opensAt = opensAt
        self.admitPerMinute = admitPerMinute
        self.passMinutes = passMinutes
        self.paused = paused
        self.activeShoppers = activeShoppers
        self.proofOfWork = proofOfWork
    }

    /// The proof of work a waiting room asks for when it asks for one: about a second of a phone's CPU.
    public static let defaultProofOfWork = 18
    /// The most leading zero bits an organizer may ask for.
    public static let maxProofOfWork = 28

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
        if let activeShoppers, !(1 ... Self.maxAdmitPerMinute).contains(activeShoppers) {
            throw .invalid("queue.active_shoppers must be between 1 and \(Self.maxAdmitPerMinute), or null.")
        }
        guard (0 ... Self.maxProofOfWork).contains(proofOfWork) else {
            throw .invalid("queue.proof_of_work must be between 0 (none) and \(Self.maxProofOfWork) leading zero bits.")
        }
    }
}
