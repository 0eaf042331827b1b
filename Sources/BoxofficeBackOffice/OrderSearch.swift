import BoxofficeDomain
import BoxofficeTickets
import Foundation

/// How an organizer's search box reads: a booking id (or its first characters), an email or customer, or a seat label
/// such as "Stalls C 12" or "Stalls row C seat 12" (within one event).
public enum OrderSearch {
    /// Narrows `filter` by the text typed; `event` resolves seat labels.
    public static func narrow(_ filter: inout OrderFilter, by text: String, in event: Event?) {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { return }
        if let event, let seat = event.seat(labelled: query) {
            filter.seat = seat
        } else if query.count >= 6, query.count <= 36, query.lowercased().allSatisfy({ $0.isHexDigit || $0 == "-" }), query.contains(where: \.isNumber) {
            filter.bookingIDPrefix = query.lowercased()
        } else {
            filter.customerContains = query.lowercased()
        }
    }

    /// Whether a booking has a ticket of the named price category or pool (ignoring case).
    public static func booking(_ booking: Booking, of event: Event, hasCategory name: String) -> Bool {
        Ticket.tickets(of: booking, in: event).contains { $0.category.caseInsensitiveCompare(name) == .orderedSame }
    }
}

extension Event {
    /// The seat a label names: "Stalls C 12", "Stalls row C seat 12" (section names may have spaces; case is ignored).
    public func seat(labelled text: String) -> SeatID? {
        var words = text.split(separator: " ").map { $0.lowercased() }
        guard words.count >= 3, let number = Int32(words.removeLast()) else { return nil }
        if words.last == "seat" { words.removeLast() }
        guard let row = words.popLast() else { return nil }
        if words.last == "row" { words.removeLast() }
        let section = words.joined(separator: " ")
        for candidate in seatMap.sections where candidate.name.lowercased() == section {
            for seats in candidate.rows where seats.label.lowercased() == row {
                if let offset = seats.numbers.firstIndex(of: number) { return seatID(at: seats.firstIndex + offset) }
            }
        }
        return nil
    }
}
