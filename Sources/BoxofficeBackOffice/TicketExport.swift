import BoxofficeDomain
import BoxofficeTickets
import Foundation

/// An event's tickets as CSV for a spreadsheet (RFC 4180: CRLF line ends, fields with a comma, quote or line break
/// quoted, quotes doubled; UTF-8 with a byte order mark so spreadsheets read accents right). One line per ticket of every
/// paid booking, refunded ones included.
public enum TicketExport {
    /// The byte order mark and the header line.
    public static let head = "\u{FEFF}" + line([
        "booking", "ticket", "customer_email", "customer", "seat_or_pool", "section", "row", "seat", "category", "price", "currency",
        "status", "checked_in_at", "gate", "booked_at",
    ])

    /// The bookings the export lists.
    public static let statuses: [BookingStatus] = [.confirmed, .refunded]

    /// The lines of one booking's tickets.
    public static func lines(
        of order: OrderLine, in event: Event, refunded: Set<TicketID>, checkins: [TicketID: CheckinRecord]
    ) -> String {
        let booking = order.booking
        var text = ""
        for ticket in Ticket.tickets(of: booking, in: event) {
            let status = booking.status == .refunded || refunded.contains(ticket.id) ? "refunded" : "valid"
            let checkin = checkins[ticket.id]
            text += line([
                booking.id.description, ticket.id.description, order.email ?? "", booking.userIdentifier, ticket.label,
                ticket.seat?.section ?? "", ticket.seat?.row ?? "", ticket.seat.map { String($0.number) } ?? "", ticket.category,
                Currency.decimal(ticket.priceMinor), ticket.currency.code, status, checkin.map { $0.checkedInAt.formatted(.iso8601) } ?? "",
                checkin?.gate ?? "", booking.createdAt.formatted(.iso8601),
            ])
        }
        return text
    }

    /// One CSV line, CRLF-terminated.
    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// A field as RFC 4180 wants it; a value a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) starts with
    /// a quote mark instead.
    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
