import Foundation

/// What an organizer decided about an event: still being prepared, out for customers, or called off.
public enum EventStatus: String, Sendable, CaseIterable {
    /// Only organizers see it; nothing can be held.
    case draft
    /// Customers see it; it sells within its sales window.
    case published
    /// Called off: nothing can be held, every paid booking is refunded.
    case cancelled
}

/// Where an event is in its life at a moment: its status, and for a published event its sales window.
public enum EventPhase: String, Sendable, CaseIterable {
    /// Being prepared.
    case draft
    /// Published, sales not open yet.
    case published
    /// Within the sales window.
    case onSale = "on_sale"
    /// Sales are over.
    case ended
    /// Called off.
    case cancelled
}

extension EventDetails {
    /// The event's phase at `now`.
    public func phase(at now: Date) -> EventPhase {
        switch status {
        case .draft: .draft
        case .cancelled: .cancelled
        case .published: now < salesStart ? .published : now < salesEnd ? .onSale : .ended
        }
    }

    /// Whether customers may see the event (everything but a draft).
    public var isVisibleToCustomers: Bool { status != .draft }

    /// The facts checked as at creation: an organizer's edit must keep every rule.
    /// - Throws: ``DomainError/invalid(_:)`` naming the first broken rule.
    public func validated() throws(DomainError) -> EventDetails { try EventDraft.check(self) }
}
