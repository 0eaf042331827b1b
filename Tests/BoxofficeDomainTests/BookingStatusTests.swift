import BoxofficeDomain
import Testing

@Suite("Booking status transitions")
struct BookingStatusTests {
    static let allowed: Set<String> = [
        "held>payment_pending", "held>released", "held>expired",
        "payment_pending>confirmed", "payment_pending>cancelled", "payment_pending>refunded", "confirmed>refunded",
        "released>refunded", "expired>refunded", "cancelled>refunded",
    ]

    @Test("only the documented transitions are allowed", arguments: BookingStatus.allCases)
    func transitions(from: BookingStatus) {
        for to in BookingStatus.allCases {
            #expect(from.canMove(to: to) == Self.allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
        }
    }

    @Test("only held, pending and confirmed bookings claim inventory")
    func claims() {
        #expect(BookingStatus.allCases.filter(\.claimsInventory) == [.held, .paymentPending, .confirmed])
    }

    @Test("every status but held and pending is terminal")
    func terminal() {
        #expect(BookingStatus.allCases.filter { !$0.isTerminal } == [.held, .paymentPending])
    }
}
