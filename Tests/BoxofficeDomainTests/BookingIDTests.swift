import BoxofficeDomain
import Foundation
import Testing

@Suite("Booking ids as text")
struct BookingIDTests {
    @Test("written and read byte by byte exactly as Foundation's UUID text, in either case")
    func sameAsFoundation() {
        for _ in 0 ..< 1_000 {
            let uuid = UUID()
            let id = BookingID(rawValue: uuid)
            #expect(id.description == uuid.uuidString.lowercased())
            #expect(BookingID(uuid.uuidString) == id)
            #expect(BookingID(uuid.uuidString.lowercased()) == id)
        }
    }

    @Test("anything else is refused", arguments: [
        "", "hello", "0c3b1a42-7d5e-4f6a-9b8c-1d2e3f4a5b6", "0c3b1a42-7d5e-4f6a-9b8c-1d2e3f4a5b6c7", "0c3b1a427d5e4f6a9b8c1d2e3f4a5b6c",
        "0c3b1a42-7d5e-4f6a-9b8c_1d2e3f4a5b6c", "0c3b1a42-7d5e-4f6a-9b8c-1d2e3f4a5b6g", "0c3b1a42-7d5e-4f6a-9b8c-1d2e3f4a5b6-",
        "-c3b1a42-7d5e-4f6a-9b8c-1d2e3f4a5b6c", "0c3b1a4-27d5e-4f6a-9b8c-1d2e3f4a5b6c",
    ])
    func refused(_ text: String) {
        #expect(BookingID(text) == nil)
    }
}
