/// Which services one `boxoffice serve` process runs.
public enum ServeRole: String, Sendable, CaseIterable {
    /// Both services in one process (the default; without a broker they talk in process).
    case all
    /// The booking service: events, seats, bookings, the web app and `/api/ws`.
    case booking
    /// The payment service: `/api/accounts…` and the consumer of payment requests.
    case payments

    /// Whether the process runs the booking service.
    var runsBooking: Bool { self != .payments }
    /// Whether the process runs the payment service.
    var runsPayments: Bool { self != .booking }
}
