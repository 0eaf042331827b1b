import BoxofficeDomain
import BoxofficeEngine
import Testing

@Suite("Waiting for a booking's status instead of polling")
struct BookingStatusWaitersTests {
    static func change(_ booking: BookingID, _ status: BookingStatus) -> LiveUpdate {
        .booking(BookingStatusChange(bookingID: booking, eventID: EventID(rawValue: 1), customer: "ann", status: status))
    }

    @Test("a change heard after the ticket but before the wait is not missed")
    func changeBeforeWait() async {
        let waiters = BookingStatusWaiters()
        let booking = BookingID.random()
        let ticket = waiters.expect(booking, statuses: [.confirmed, .cancelled])
        waiters.publish(Self.change(booking, .confirmed))
        #expect(await waiters.wait(ticket, timeout: .seconds(5)) == .confirmed)
    }

    @Test("a wait ends at the first wanted status; other statuses and other bookings do not end it")
    func wantedOnly() async throws {
        let waiters = BookingStatusWaiters()
        let booking = BookingID.random()
        let ticket = waiters.expect(booking, statuses: [.confirmed, .cancelled])
        async let status = waiters.wait(ticket, timeout: .seconds(5))
        try await Task.sleep(for: .milliseconds(20))
        waiters.publish(Self.change(booking, .paymentPending))
        waiters.publish(Self.change(.random(), .confirmed))
        waiters.publish(Self.change(booking, .cancelled))
        #expect(await status == .cancelled)
    }

    @Test("without a wanted status the wait ends with nil once the timeout passes")
    func timeout() async {
        let waiters = BookingStatusWaiters()
        let ticket = waiters.expect(.random(), statuses: [.confirmed])
        let started = ContinuousClock.now
        #expect(await waiters.wait(ticket, timeout: .milliseconds(50)) == nil)
        // A guard against waiting forever, not a timing: a busy machine may take a while to wake the waiter.
        #expect(ContinuousClock.now - started < .seconds(30))
    }
}
