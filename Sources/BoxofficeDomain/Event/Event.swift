import Foundation

/// A performance on sale: its facts, its seat map and its GA pools.
public struct Event: Sendable, Hashable {
    /// The event's id.
    public var id: EventID
    /// The facts an organizer gave.
    public var details: EventDetails
    /// The price categories seats refer to by index.
    public var categories: [PriceCategory]
    /// The seats.
    public var seatMap: SeatMap
    /// The id of seat index 0; seat `i` has id `firstSeatID + i`.
    public var firstSeatID: SeatID
    /// The general-admission pools.
    public var gaPools: [GAPool]
    /// How many times an organizer changed the seat map (0: as created); a process re-reads the map when it moved.
    public var layoutVersion: Int

    /// Creates an event.
    public init(
        id: EventID, details: EventDetails, categories: [PriceCategory], seatMap: SeatMap, firstSeatID: SeatID, gaPools: [GAPool],
        layoutVersion: Int = 0
    ) {
        self.id = id
        self.details = details
        self.categories = categories
        self.seatMap = seatMap
        self.firstSeatID = firstSeatID
        self.gaPools = gaPools
        self.layoutVersion = layoutVersion
    }

    /// The seat ids this event owns.
    public var seatIDs: Range<Int64> { firstSeatID.rawValue ..< firstSeatID.rawValue + Int64(seatMap.seatCount) }

    /// The index of a seat of this event, or nil when the seat belongs to another event.
    public func seatIndex(of seat: SeatID) -> Int? {
        seatIDs.contains(seat.rawValue) ? Int(seat.rawValue - firstSeatID.rawValue) : nil
    }

    /// The id of the seat at an index.
    public func seatID(at index: Int) -> SeatID { SeatID(rawValue: firstSeatID.rawValue + Int64(index)) }

    /// The price of the seat at an index, in minor units.
    public func price(ofSeatAt index: Int) -> Int64 { categories[Int(seatMap.categoryOfSeat[index])].priceMinor }

    /// The pool with an id, if this event has it.
    public func pool(_ id: PoolID) -> GAPool? { gaPools.first { $0.id == id } }
}

/// The descriptive and commercial facts of an event.
public struct EventDetails: Sendable, Hashable {
    /// The title, such as "Evening Concert".
    public var title: String
    /// A longer description; may be empty.
    public var description: String
    /// The venue's name.
    public var venue: String
    /// When the performance starts.
    public var startsAt: Date
    /// When tickets go on sale.
    public var salesStart: Date
    /// When sales close.
    public var salesEnd: Date
    /// How long a hold lasts before it expires, in seconds.
    public var holdTTLSeconds: Int
    /// The most tickets (seats plus GA) one booking may have.
    public var maxTicketsPerBooking: Int
    /// The most tickets one identity may hold or own in all its bookings of the event together; nil for no cap.
    public var maxTicketsPerCustomer: Int?
    /// The most tickets the holds made from one client address may hold at once, across identities; nil for
    /// ten times ``maxTicketsPerCustomer`` (see ``addressCap``).
    public var heldPerAddress: Int?
    /// The currency of every price of the event.
    public var currency: Currency
    /// What best available and picks do about seats left alone.
    public var orphanRule: OrphanRule
    /// Whether the event sells behind a waiting room: every hold needs an admission pass for it.
    public var queued: Bool
    /// Until when customers may cancel their own paid bookings for a refund; nil: they may not (only the organizer refunds).
    public var cancellationCutoff: Date?
    /// Whether customers see it: a draft, published, or cancelled.
    public var status: EventStatus

    /// Creates event details.
    public init(
        title: String, description: String, venue: String, startsAt: Date, salesStart: Date, salesEnd: Date,
        holdTTLSeconds: Int, maxTicketsPerBooking: Int, maxTicketsPerCustomer: Int? = nil, heldPerAddress: Int? = nil, currency: Currency,
        orphanRule: OrphanRule = .avoid, queued: Bool = false, cancellationCutoff: Date? = nil, status: EventStatus = .published
    ) {
        self.title = title
        self.description = description
        self.venue = venue
        self.startsAt = startsAt
        self.salesStart = salesStart
        self.salesEnd = salesEnd
        self.holdTTLSeconds = holdTTLSeconds
        self.maxTicketsPerBooking = maxTicketsPerBooking
        self.maxTicketsPerCustomer = maxTicketsPerCustomer
        self.heldPerAddress = heldPerAddress
        self.currency = currency
        self.orphanRule = orphanRule
        self.queued = queued
        self.cancellationCutoff = cancellationCutoff
        self.status = status
    }

    /// How many holds one client address may have at once across identities: ``heldPerAddress``, else ten times
    /// the customer cap (many people may buy behind one network), else none.
    public var addressCap: Int? { heldPerAddress ?? maxTicketsPerCustomer.map { $0 * 10 } }

    /// Whether tickets can be held at a moment: the event is published and within its sales window.
    public func checkSalesOpen(at now: Date) throws(DomainError) {
        if status == .draft { throw .salesNotOpen("This event is not on sale.") }
        if status == .cancelled { throw .salesNotOpen("\"\(title)\" was cancelled.") }
        if now < salesStart { throw .salesNotOpen("Sales for \"\(title)\" open at \(salesStart.formatted(.iso8601)).") }
        if now >= salesEnd { throw .salesNotOpen("Sales for \"\(title)\" closed at \(salesEnd.formatted(.iso8601)).") }
    }
}
