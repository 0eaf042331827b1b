import BoxofficeDomain
@testable import BoxofficeHTTP
import Foundation
import Hummingbird
import NIOCore
import Testing

@Suite("The hand-written answer of POST /api/book/safe")
struct FastJSONTests {
    static let times: [Double] = [0, 1_800_000_000.999, 951_782_400 /* 2000-02-29 */, 4_107_542_399.5 /* 2100-02-28T23:59:59 */, -86_401, 1_709_164_800 /* 2024-02-29 */]

    @Test("is byte for byte what the API's JSON encoder writes", arguments: times)
    func sameAsEncoder(seconds: Double) throws {
        let booking = Booking(
            id: .random(), eventID: EventID(rawValue: 12), status: .held, seatIDs: [SeatID(rawValue: 70_001)], tickets: [],
            amountMinor: 12_345, currency: Currency("EUR")!, userIdentifier: "alice",
            expiresAt: Date(timeIntervalSince1970: seconds), createdAt: Date(timeIntervalSince1970: 0)
        )
        let body = SafeBookingBody(booking)
        let encoded = String(decoding: try APICoding.makeEncoder().encode(body), as: UTF8.self)
        #expect(body.json == encoded)
    }
}

@Suite("The hand-written Date header")
struct HTTPDateTests {
    @Test("is what a POSIX date formatter writes for HTTP (IMF-fixdate)", arguments: FastJSONTests.times)
    func sameAsFormatter(seconds: Double) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = Date(timeIntervalSince1970: seconds)
        #expect(InternetDate.httpDate(from: date) == formatter.string(from: date))
    }
}

@Suite("Text rules")
struct TextRulesTests {
    @Test("plain ASCII and other text are trimmed and checked alike", arguments: [
        ("  alice \t", "alice"), ("bob", "bob"), ("\u{00A0}zoë\u{2003}", "zoë"), (" a b ", "a b"),
    ])
    func trims(given: String, expected: String) throws {
        #expect(try TextRules.required(given, field: "name") == expected)
    }

    @Test("empty, control characters and overlong text are refused, ASCII or not", arguments: ["", "   ", "a\u{1}b", "a\u{7F}", "ü\u{1}", String(repeating: "x", count: 201)])
    func refuses(given: String) {
        #expect(throws: DomainError.self) { try TextRules.required(given, field: "name") }
    }
}

@Suite("The hand-written problem body")
struct ProblemJSONTests {
    private struct Expected: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let instance: String
    }

    @Test("is byte for byte what the API's JSON encoder writes, escapes included", arguments: [
        "Seat 7 is already taken.", #"a "quoted" \ back/slash"#, "line\nbreak\ttab\r\u{1}\u{1F}\u{8}\u{C}", "zoë — ünïcödé 🎫",
    ])
    func sameAsEncoder(detail: String) throws {
        let problem = Problem(.conflict, type: "seat-taken", detail: detail)
        let expected = Expected(type: "https://boxoffice.dev/problems/seat-taken", title: "Conflict", status: 409, detail: detail, instance: "/api/book/safe")
        let encoded = String(decoding: try APICoding.makeEncoder().encode(expected), as: UTF8.self)
        #expect(problem.json(instance: "/api/book/safe") == encoded)
    }
}

@Suite("The plain reading of the book/safe body")
struct PlainBookingBodyTests {
    static let bodies = [
        #"{"seat_id": 7, "user_identifier": "alice"}"#, #"{"user_identifier":"zoë","seat_id":"12"}"#, " {\n\"seat_id\" : 0 ,\"user_identifier\":\" a \"}\t",
        #"{"seat_id": 9223372036854775807, "user_identifier": "max"}"#, #"{"seat_id": 7}"#, #"{"seat_id": 7, "pay": true}"#, #"{"pay":false,"seat_id":7}"#,
        // Forms left to the decoder, which accepts or refuses them in its own words:
        #"{"seat_id": 7, "pay": "yes"}"#, #"{"seat_id": 7, "pay": 1}"#, #"{"seat_id": 7, "pay": true, "pay": false}"#, #"{"seat_id": 7, "pay": truth}"#,
        #"{"seat_id": 7, "user_identifier": "a\"b"}"#, #"{"seat_id": -7, "user_identifier": "a"}"#, #"{"seat_id": 7.5, "user_identifier": "a"}"#,
        #"{"seat_id": 1e3, "user_identifier": "a"}"#, #"{"seat_id": 007, "user_identifier": "a"}"#, #"{"seat_id": "+7", "user_identifier": "a"}"#,
        #"{"seat_id": 7, "user_identifier": "a", "extra": 1}"#, #"{"seat_id": 7, "seat_id": 8, "user_identifier": "a"}"#,
        #"{"seat_id": 99999999999999999999, "user_identifier": "a"}"#, #"{"seat_id": 7, "user_identifier": "a"} x"#,
        #"[7]"#, #"{"seat_id": 7, "user_identifier": "a",}"#, "{\"seat_id\": 7, \"user_identifier\": \"a\u{1}\"}", #"{"seat_id": 7, "user_identifier": null}"#,
    ]

    @Test("reads what the decoder reads, and leaves everything else to it", arguments: bodies)
    func agreesWithDecoder(body: String) throws {
        let buffer = ByteBuffer(string: body)
        let decoded = try? APICoding.makeDecoder().decode(SafeBookingRequest.self, from: Data(body.utf8))
        guard let plain = SafeBookingRequest(plainJSON: buffer) else { return }
        let expected = try #require(decoded, "the fast path accepted a body the decoder refuses: \(body)")
        #expect(plain.seatId.value == expected.seatId.value)
        #expect(plain.userIdentifier == expected.userIdentifier)
        #expect(plain.pay == expected.pay)
    }

    @Test("reads the plain forms itself")
    func readsPlainForms() {
        #expect(Self.bodies.prefix(7).allSatisfy { SafeBookingRequest(plainJSON: ByteBuffer(string: $0)) != nil })
        #expect(Self.bodies.dropFirst(7).allSatisfy { SafeBookingRequest(plainJSON: ByteBuffer(string: $0)) == nil })
    }
}

@Suite("The hand-written answer of a check-in")
struct CheckinJSONTests {
    static let answers: [CheckinBody] = [
        CheckinBody(result: "invalid", reason: "Not a ticket: \"x\" \\ \n", ticket: nil, checkedInAt: nil, scannedAt: nil, gate: nil),
        CheckinBody(
            result: "admitted", reason: "Welcome in.",
            ticket: .init(id: "b.1", seat: SeatBody(id: 7, section: "Stalls «A»", row: "C", number: 12, category: "Front"), pool: nil, category: "Front"),
            checkedInAt: Date(timeIntervalSince1970: 1_800_000_000.5), scannedAt: Date(timeIntervalSince1970: 1_799_999_990), gate: "North \"1\""
        ),
        CheckinBody(
            result: "already_checked_in", reason: "Already checked in at gate ü.",
            ticket: .init(id: "b.2", seat: nil, pool: .init(id: 3, name: "Standing\t"), category: "Standing\t"),
            checkedInAt: Date(timeIntervalSince1970: 0), scannedAt: nil, gate: "ü"
        ),
    ]

    @Test("is byte for byte what the API's JSON encoder writes, escapes included", arguments: answers.indices)
    func sameAsEncoder(index: Int) throws {
        let body = Self.answers[index]
        #expect(body.json == String(decoding: try APICoding.makeEncoder().encode(body), as: UTF8.self))
    }
}

@Suite("The plain reader of a check-in's body")
struct CheckinPlainJSONTests {
    @Test("reads what the decoder reads, and leaves everything else to it", arguments: [
        #"{"secret": "abc", "nonce": "n1"}"#, #"{"nonce":"n1","gate":"North 1","secret":"abc"}"#, #" { "secret" : "a-_b" , "nonce" : "x" } "#,
        #"{"secret": "abc", "nonce": "n1", "scanned_at": "2030-01-01T20:00:00Z"}"#, #"{"secret": "a\"b", "nonce": "n"}"#,
        #"{"secret": "abc"}"#, #"{"secret": "abc", "nonce": "n", "nonce": "m"}"#, #"{"secret": 5, "nonce": "n"}"#, #"[]"#, #"{"secret": "abc", "nonce": "n",}"#,
        #"{"secret": "abc", "nonce": "n"} x"#, #"{"secret": "é", "nonce": "n"}"#,
    ])
    func sameAsDecoder(_ text: String) throws {
        let plain = CheckinRequestBody(plainJSON: ByteBuffer(string: text))
        let decoded = try? APICoding.makeDecoder().decode(CheckinRequestBody.self, from: Data(text.utf8))
        if let plain {
            #expect(plain.secret == decoded?.secret && plain.nonce == decoded?.nonce && plain.gate == decoded?.gate && decoded?.scannedAt == nil, "\(text)")
        }
        let mustRead = [#"{"secret": "abc", "nonce": "n1"}"#, #"{"nonce":"n1","gate":"North 1","secret":"abc"}"#]
        #expect(!mustRead.contains(text) || plain != nil, "\(text)")
    }
}
