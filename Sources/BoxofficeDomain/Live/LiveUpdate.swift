import Foundation

/// A change worth pushing to the browsers watching it, published after the change is durable.
public enum LiveUpdate: Sendable, Hashable {
    /// Seats or GA tickets of an event changed status.
    case inventory(InventoryDelta)
    /// A customer's booking changed status.
    case booking(BookingStatusChange)
    /// A customer's wallet balance changed.
    case wallet(WalletChange)
    /// Where an event's waiting room stands, once per tick of its cursor.
    case queue(QueueProgress)
    /// How an event's doors stand, read once a second while someone watches.
    case checkins(CheckinProgress)
}

/// Takes live updates and forwards them to whoever watches; never blocks and never throws, so publishing
/// cannot slow down or fail the decision that caused it.
///
/// The in-process hub implements it; a broker-backed implementation can forward updates between instances.
public protocol LiveUpdatePublisher: Sendable {
    /// Forwards one update.
    func publish(_ update: LiveUpdate)
}

/// Several publishers told of the same updates, in order.
public struct LiveUpdateFanOut: LiveUpdatePublisher {
    private let targets: [any LiveUpdatePublisher]

    /// Tells each of `targets` of every update.
    public init(_ targets: [any LiveUpdatePublisher]) {
        self.targets = targets
    }

    public func publish(_ update: LiveUpdate) {
        for target in targets { target.publish(update) }
    }
}

/// What changed in an event's inventory between one committed version and the next.
///
/// Versions of one event grow by exactly one per delta, so a receiver that sees a gap knows it missed a
/// delta and must read the whole seat map again.
public struct InventoryDelta: Sendable, Hashable {
    /// One seat's new status.
    public struct SeatChange: Sendable, Hashable {
        /// The seat.
        public var seatID: SeatID
        /// Its status now.
        public var status: SeatStatus

        /// Creates a seat change.
        public init(seatID: SeatID, status: SeatStatus) {
            self.seatID = seatID
            self.status = status
        }
    }

    /// One GA pool's new counts.
    public struct PoolChange: Sendable, Hashable {
        /// The pool.
        public var poolID: PoolID
        /// Its counts now.
        public var counts: PoolCounts

        /// Creates a pool change.
        public init(poolID: PoolID, counts: PoolCounts) {
            self.poolID = poolID
            self.counts = counts
        }
    }

    /// The event.
    public var eventID: EventID
    /// The version this delta leads to; the previous delta led to `version - 1`.
    public var version: UInt64
    /// Seats whose status changed.
    public var seats: [SeatChange]
    /// Pools whose counts changed.
    public var pools: [PoolChange]
    /// How many seats are available at `version`.
    public var availableSeats: Int
    /// The seat map's version at `version` (``Event/layoutVersion``): a watcher whose map has another reads it again.
    public var layoutVersion: Int

    /// Creates a delta.
    public init(eventID: EventID, version: UInt64, seats: [SeatChange], pools: [PoolChange], availableSeats: Int, layoutVersion: Int = 0) {
        self.eventID = eventID
        self.version = version
        self.seats = seats
        self.pools = pools
        self.availableSeats = availableSeats
        self.layoutVersion = layoutVersion
    }
}

/// A booking reached a new status.
public struct BookingStatusChange: Sendable, Hashable {
    /// The booking.
    public var bookingID: BookingID
    /// Its event.
    public var eventID: EventID
    /// The customer who made it.
    public var customer: String
    /// Its status now.
    public var status: BookingStatus

    /// Creates a booking change.
    public init(bookingID: BookingID, eventID: EventID, customer: String, status: BookingStatus) {
        self.bookingID = bookingID
        self.eventID = eventID
        self.customer = customer
        self.status = status
    }
}

/// A wallet's balance after a deposit, a charge or a refund.
public struct WalletChange: Sendable, Hashable {
    /// The wallet.
    public var accountID: UUID
    /// Its owner.
    public var customer: String
    /// The balance now, in minor units.
    public var balanceMinor: Int64
    /// The wallet's currency.
    public var currency: Currency

    /// Creates a wallet change.
    public init(accountID: UUID, customer: String, balanceMinor: Int64, currency: Currency) {
        self.accountID = accountID
        self.customer = customer
        self.balanceMinor = balanceMinor
        self.currency = currency
    }
}
