import BoxofficeDomain
import BoxofficeWebhooks
import Foundation
import SQLiteNIO

/// The notices and webhook tables in SQLite.
enum SQLiteWebhookTables {
    /// Migration 18: notices waiting to be sent out, endpoints, deliveries and their attempts.
    static let schema = [
        """
        CREATE TABLE notices (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, topic TEXT NOT NULL, event_id INTEGER NOT NULL, booking_id TEXT,
            subject TEXT NOT NULL, at INTEGER NOT NULL)
        """,
        """
        CREATE TABLE webhook_endpoints (
            id TEXT PRIMARY KEY, url TEXT NOT NULL, topics TEXT NOT NULL, secret TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL, deleted_at INTEGER)
        """,
        """
        CREATE TABLE webhook_deliveries (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id),
            notice_id TEXT NOT NULL, notice_seq INTEGER NOT NULL, topic TEXT NOT NULL, line TEXT NOT NULL, body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'parked')), attempts INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, retry_until INTEGER NOT NULL,
            lease_until INTEGER, lease_id TEXT, delivered_at INTEGER, UNIQUE (endpoint_id, notice_id))
        """,
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_line ON webhook_deliveries(endpoint_id, line, notice_seq) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, seq)",
        """
        CREATE TABLE webhook_attempts (
            delivery_id TEXT NOT NULL, number INTEGER NOT NULL, at INTEGER NOT NULL, status_code INTEGER, detail TEXT NOT NULL,
            milliseconds INTEGER NOT NULL, PRIMARY KEY (delivery_id, number))
        """,
        "CREATE TABLE sold_out_events (event_id INTEGER PRIMARY KEY, at INTEGER NOT NULL)",
    ]

    /// Records notices inside the caller's transaction, 100 to a statement; one whose id is queued already is skipped.
    static func append(_ notices: [Notice], connection: SQLiteConnection) async throws {
        for chunk in notices.chunked(by: 100) {
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 6)
            for notice in chunk {
                binds += [
                    text(notice.id), .text(notice.topic.rawValue), ColumnCoding.int(notice.eventID.rawValue),
                    notice.bookingID.map { .text($0.description) } ?? .null, .text(notice.subject), ColumnCoding.millis(notice.at),
                ]
            }
            _ = try await connection.query(
                "INSERT INTO notices (id, topic, event_id, booking_id, subject, at) VALUES "
                    + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ") + " ON CONFLICT (id) DO NOTHING",
                binds
            )
        }
    }

    static func text(_ id: UUID) -> SQLiteData { .text(id.uuidString.lowercased()) }

    static func uuid(_ data: SQLiteData?) -> UUID? { data?.string.flatMap(UUID.init(uuidString:)) }

    static func optionalDate(_ data: SQLiteData?) -> Date? { data.flatMap { $0.isNull ? nil : ColumnCoding.date($0) } }

    static func delivery(_ row: SQLiteRow) throws -> WebhookDelivery {
        guard let id = uuid(row.column("id")), let endpoint = uuid(row.column("endpoint_id")), let notice = uuid(row.column("notice_id")),
              let topic = row.column("topic")?.string.flatMap(Notice.Topic.init(rawValue:)),
              let status = row.column("status")?.string.flatMap(WebhookDelivery.Status.init(rawValue:))
        else { throw UnreadableRow(table: "webhook_deliveries") }
        return WebhookDelivery(
            id: id, seq: Int64(row.column("seq")?.integer ?? 0), endpointID: endpoint, noticeID: notice,
            noticeSeq: Int64(row.column("notice_seq")?.integer ?? 0), topic: topic, line: row.column("line")?.string ?? "",
            body: row.column("body")?.string ?? "", status: status, attempts: row.column("attempts")?.integer ?? 0,
            createdAt: ColumnCoding.date(row.column("created_at")), nextAttemptAt: ColumnCoding.date(row.column("next_attempt_at")),
            retryUntil: ColumnCoding.date(row.column("retry_until")), deliveredAt: optionalDate(row.column("delivered_at")),
            lease: uuid(row.column("lease_id"))
        )
    }

    static func endpoint(_ row: SQLiteRow) -> WebhookEndpoint? {
        guard let id = uuid(row.column("id")) else { return nil }
        return WebhookEndpoint(
            id: id, url: row.column("url")?.string ?? "",
            topics: Set((row.column("topics")?.string ?? "").split(separator: ",").compactMap { Notice.Topic(rawValue: String($0)) }),
            secret: row.column("secret")?.string ?? "", createdBy: row.column("created_by")?.string ?? "",
            createdAt: ColumnCoding.date(row.column("created_at"))
        )
    }
}

extension SQLiteBookingStore: WebhookStore {
    public func addEndpoint(_ endpoint: WebhookEndpoint) async throws {
        _ = try await database.write { connection in
            try await connection.query(
                "INSERT INTO webhook_endpoints (id, url, topics, secret, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    SQLiteWebhookTables.text(endpoint.id), .text(endpoint.url), .text(endpoint.topics.map(\.rawValue).sorted().joined(separator: ",")),
                    .text(endpoint.secret), .text(endpoint.createdBy), ColumnCoding.millis(endpoint.createdAt),
                ]
            )
        }
    }

    public func endpoints() async throws -> [WebhookEndpoint] {
        try await database.read("SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id").compactMap(SQLiteWebhookTables.endpoint)
    }

    public func endpoint(_ id: UUID) async throws -> WebhookEndpoint? {
        try await database.read("SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL AND id = ?", [SQLiteWebhookTables.text(id)])
            .compactMap(SQLiteWebhookTables.endpoint).first
    }

    public func deleteEndpoint(_ id: UUID, at: Date) async throws -> Bool {
        try await database.write { connection in
            !(try await connection.query(
                "UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL RETURNING id",
                [ColumnCoding.millis(at), SQLiteWebhookTables.text(id)]
            )).isEmpty
        }
    }

    public func recordNotices(_ notices: [Notice]) async throws {
        guard !notices.isEmpty else { return }
        try await database.write { try await SQLiteWebhookTables.append(notices, connection: $0) }
    }

    public func recordSoldOut(_ events: [EventID], at: Date) async throws {
        guard !events.isEmpty else { return }
        try await database.write { connection in
            for event in events {
                let new = try await connection.query(
                    "INSERT INTO sold_out_events (event_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING event_id",
                    [ColumnCoding.int(event.rawValue), ColumnCoding.millis(at)]
                )
                if !new.isEmpty { try await SQLiteWebhookTables.append([SoldOut.notice(of: event, at: at)], connection: connection) }
            }
        }
    }

    public func queuedNotices(limit: Int) async throws -> [QueuedNotice] {
        try await database.read("SELECT * FROM notices ORDER BY seq LIMIT ?", [ColumnCoding.int(limit)]).map { row in
            guard let id = SQLiteWebhookTables.uuid(row.column("id")), let topic = row.column("topic")?.string.flatMap(Notice.Topic.init(rawValue:)) else {
                throw UnreadableRow(table: "notices")
            }
            let booking = row.column("booking_id")?.string.flatMap(UUID.init(uuidString:)).map(BookingID.init(rawValue:))
            return QueuedNotice(seq: Int64(row.column("seq")?.integer ?? 0), notice: Notice(
                id: id, topic: topic, eventID: EventID(rawValue: Int64(row.column("event_id")?.integer ?? 0)), bookingID: booking,
                subject: row.column("subject")?.string ?? "", at: ColumnCoding.date(row.column("at"))
            ))
        }
    }

    public func fanOut(_ deliveries: [WebhookDelivery], done: [UUID]) async throws {
        try await database.write { connection in
            for delivery in deliveries {
                _ = try await connection.query(
                    """
                    INSERT INTO webhook_deliveries (id, endpoint_id, notice_id, notice_seq, topic, line, body, status, created_at, next_attempt_at, retry_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (endpoint_id, notice_id) DO NOTHING
                    """,
                    [
                        SQLiteWebhookTables.text(delivery.id), SQLiteWebhookTables.text(delivery.endpointID), SQLiteWebhookTables.text(delivery.noticeID),
                        ColumnCoding.int(delivery.noticeSeq), .text(delivery.topic.rawValue), .text(delivery.line), .text(delivery.body),
                        ColumnCoding.millis(delivery.createdAt), ColumnCoding.millis(delivery.nextAttemptAt), ColumnCoding.millis(delivery.retryUntil),
                    ]
                )
            }
            for chunk in done.chunked(by: 500) {
                _ = try await connection.query(
                    "DELETE FROM notices WHERE id IN (\(ColumnCoding.placeholders(chunk.count)))", chunk.map(SQLiteWebhookTables.text)
                )
            }
        }
    }

    public func claimDue(at now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        try await database.write { connection in
            try await connection.query(
                """
                UPDATE webhook_deliveries SET lease_until = ?, lease_id = ?
                WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d
                    WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until IS NULL OR d.lease_until < ?)
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries e
                          WHERE e.status = 'pending' AND e.endpoint_id = d.endpoint_id AND e.line = d.line AND e.notice_seq < d.notice_seq)
                    ORDER BY d.next_attempt_at, d.notice_seq LIMIT ?)
                RETURNING *
                """,
                [
                    ColumnCoding.millis(now.addingTimeInterval(lease)), SQLiteWebhookTables.text(UUID()), ColumnCoding.millis(now), ColumnCoding.millis(now),
                    ColumnCoding.int(limit),
                ]
            ).map(SQLiteWebhookTables.delivery)
        }
    }

    public func record(_ attempt: WebhookAttempt, of delivery: WebhookDelivery, delivered: Bool, next: Date?) async throws {
        guard let lease = delivery.lease else { return }
        let status = delivered ? "delivered" : next == nil ? "parked" : "pending"
        try await database.write { connection in
            // Only under the claim it was taken with: a sender whose lease ran out records nothing.
            guard let number = try await connection.query(
                """
                UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at),
                    lease_until = NULL, lease_id = NULL, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
                WHERE id = ? AND lease_id = ? AND status = 'pending' RETURNING attempts
                """,
                [
                    .text(status), next.map(ColumnCoding.millis) ?? .null, .integer(delivered ? 1 : 0), ColumnCoding.millis(attempt.at),
                    SQLiteWebhookTables.text(delivery.id), SQLiteWebhookTables.text(lease),
                ]
            ).first?.column("attempts")?.integer else { return }
            _ = try await connection.query(
                "INSERT INTO webhook_attempts (delivery_id, number, at, status_code, detail, milliseconds) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    SQLiteWebhookTables.text(delivery.id), ColumnCoding.int(number), ColumnCoding.millis(attempt.at),
                    attempt.statusCode.map { ColumnCoding.int($0) } ?? .null, .text(attempt.detail), ColumnCoding.int(attempt.milliseconds),
                ]
            )
            // The line behind it waits as long as it does, so claims skip it meanwhile; once it is out of the way, due now.
            let wait = next.map(ColumnCoding.millis) ?? ColumnCoding.millis(attempt.at)
            _ = try await connection.query(
                """
                UPDATE webhook_deliveries SET next_attempt_at = CASE WHEN ? THEN MAX(next_attempt_at, ?) ELSE MIN(next_attempt_at, ?) END
                WHERE endpoint_id = ? AND line = ? AND status = 'pending' AND notice_seq > ?
                """,
                [
                    .integer(next != nil && !delivered ? 1 : 0), wait, wait, SQLiteWebhookTables.text(delivery.endpointID), .text(delivery.line),
                    ColumnCoding.int(delivery.noticeSeq),
                ]
            )
        }
    }

    public func deliveries(of endpoint: UUID, status: WebhookDelivery.Status?, before seq: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await database.read(
            """
            SELECT * FROM webhook_deliveries WHERE endpoint_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR seq < ?)
            ORDER BY seq DESC LIMIT ?
            """,
            [
                SQLiteWebhookTables.text(endpoint), status.map { .text($0.rawValue) } ?? .null, status.map { .text($0.rawValue) } ?? .null,
                seq.map { ColumnCoding.int($0) } ?? .null, seq.map { ColumnCoding.int($0) } ?? .null, ColumnCoding.int(limit),
            ]
        ).map(SQLiteWebhookTables.delivery)
    }

    public func attempts(of deliveries: [UUID]) async throws -> [UUID: [WebhookAttempt]] {
        var found: [UUID: [WebhookAttempt]] = [:]
        for chunk in deliveries.chunked(by: 500) {
            for row in try await database.read(
                "SELECT * FROM webhook_attempts WHERE delivery_id IN (\(ColumnCoding.placeholders(chunk.count))) ORDER BY delivery_id, number",
                chunk.map(SQLiteWebhookTables.text)
            ) {
                guard let delivery = SQLiteWebhookTables.uuid(row.column("delivery_id")) else { continue }
                let status = row.column("status_code").flatMap { $0.isNull ? nil : $0.integer }
                found[delivery, default: []].append(WebhookAttempt(
                    number: row.column("number")?.integer ?? 0, at: ColumnCoding.date(row.column("at")), statusCode: status,
                    detail: row.column("detail")?.string ?? "", milliseconds: row.column("milliseconds")?.integer ?? 0
                ))
            }
        }
        return found
    }

    public func delivery(_ id: UUID, of endpoint: UUID) async throws -> WebhookDelivery? {
        try await database.read(
            "SELECT * FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?", [SQLiteWebhookTables.text(id), SQLiteWebhookTables.text(endpoint)]
        ).map(SQLiteWebhookTables.delivery).first
    }

    public func resend(_ delivery: UUID, of endpoint: UUID, at now: Date, until: Date) async throws -> WebhookDelivery? {
        try await database.write { connection in
            try await connection.query(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, retry_until = ?, lease_until = NULL, lease_id = NULL
                WHERE id = ? AND endpoint_id = ? AND status IN ('delivered', 'parked') RETURNING *
                """,
                [ColumnCoding.millis(now), ColumnCoding.millis(until), SQLiteWebhookTables.text(delivery), SQLiteWebhookTables.text(endpoint)]
            ).map(SQLiteWebhookTables.delivery).first
        }
    }
}
