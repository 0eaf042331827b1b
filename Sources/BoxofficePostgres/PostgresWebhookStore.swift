import BoxofficeDomain
import BoxofficeWebhooks
import Foundation
import Logging
import PostgresNIO

/// The notices and webhook tables in PostgreSQL.
enum PostgresWebhookTables {
    /// Migration 18: notices waiting to be sent out, endpoints, deliveries and their attempts.
    static let schema = [
        """
        CREATE TABLE notices (
            seq BIGSERIAL PRIMARY KEY, id UUID NOT NULL UNIQUE, topic TEXT NOT NULL, event_id BIGINT NOT NULL, booking_id UUID,
            subject TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)
        """,
        """
        CREATE TABLE webhook_endpoints (
            id UUID PRIMARY KEY, url TEXT NOT NULL, topics TEXT NOT NULL, secret TEXT NOT NULL, created_by TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL, deleted_at TIMESTAMPTZ)
        """,
        """
        CREATE TABLE webhook_deliveries (
            seq BIGSERIAL PRIMARY KEY, id UUID NOT NULL UNIQUE, endpoint_id UUID NOT NULL REFERENCES webhook_endpoints(id),
            notice_id UUID NOT NULL, notice_seq BIGINT NOT NULL, topic TEXT NOT NULL, line TEXT NOT NULL, body TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'parked')), attempts INTEGER NOT NULL DEFAULT 0,
            created_at TIMESTAMPTZ NOT NULL, next_attempt_at TIMESTAMPTZ NOT NULL, retry_until TIMESTAMPTZ NOT NULL,
            lease_until TIMESTAMPTZ, lease_id UUID, delivered_at TIMESTAMPTZ, UNIQUE (endpoint_id, notice_id))
        """,
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_line ON webhook_deliveries(endpoint_id, line, notice_seq) WHERE status = 'pending'",
        "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, seq)",
        """
        CREATE TABLE webhook_attempts (
            delivery_id UUID NOT NULL, number INTEGER NOT NULL, at TIMESTAMPTZ NOT NULL, status_code INTEGER, detail TEXT NOT NULL,
            milliseconds INTEGER NOT NULL, PRIMARY KEY (delivery_id, number))
        """,
        "CREATE TABLE sold_out_events (event_id BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL)",
    ]

    /// Stands for "no booking" in an array of booking ids (an array of PostgresNIO holds no NULL).
    private static let noBooking = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// Records notices in one statement, inside the caller's transaction; one whose id is queued already is skipped.
    static func append(_ notices: [Notice], on connection: some PostgresQueryable, logger: Logger) async throws {
        guard !notices.isEmpty else { return }
        try await connection.runPrepared(
            AppendNotices.self,
            try PostgresBindings(
                noBooking, notices.map(\.id), notices.map(\.topic.rawValue), notices.map(\.eventID.rawValue),
                notices.map { $0.bookingID?.rawValue ?? noBooking }, notices.map(\.subject), notices.map(\.at)
            ),
            logger: logger
        )
    }

    private enum AppendNotices: PreparedSQL {
        static let sql = """
            INSERT INTO notices (id, topic, event_id, booking_id, subject, at)
            SELECT id, topic, event_id, NULLIF(booking_id, $1::uuid), subject, at
            FROM UNNEST($2::uuid[], $3::text[], $4::int8[], $5::uuid[], $6::text[], $7::timestamptz[]) AS n(id, topic, event_id, booking_id, subject, at)
            ON CONFLICT (id) DO NOTHING
            """
    }

    static let deliveryColumns = """
        seq, id, endpoint_id, notice_id, notice_seq, topic, line, body, status, attempts, created_at, next_attempt_at, retry_until, delivered_at, lease_id
        """

    static func deliveries(_ query: PostgresQuery, on database: some PostgresQueryable, logger: Logger) async throws -> [WebhookDelivery] {
        var found: [WebhookDelivery] = []
        for try await row in try await database.run(query, logger: logger) {
            let (seq, id, endpoint, notice, noticeSeq, topic, line, body, status, attempts, created, next, until, delivered, lease) = try row.decode(
                (Int64, UUID, UUID, UUID, Int64, String, String, String, String, Int, Date, Date, Date, Date?, UUID?).self
            )
            guard let topic = Notice.Topic(rawValue: topic), let status = WebhookDelivery.Status(rawValue: status) else {
                throw UnreadableRow(table: "webhook_deliveries")
            }
            found.append(WebhookDelivery(
                id: id, seq: seq, endpointID: endpoint, noticeID: notice, noticeSeq: noticeSeq, topic: topic, line: line, body: body, status: status,
                attempts: attempts, createdAt: created, nextAttemptAt: next, retryUntil: until, deliveredAt: delivered, lease: lease
            ))
        }
        return found
    }
}

extension PostgresBookingStore: WebhookStore {
    public func addEndpoint(_ endpoint: WebhookEndpoint) async throws {
        try await Deadline.run(within: timeout) { [self] in
            _ = try await client.query(
                """
                INSERT INTO webhook_endpoints (id, url, topics, secret, created_by, created_at)
                VALUES (\(endpoint.id), \(endpoint.url), \(endpoint.topics.map(\.rawValue).sorted().joined(separator: ",")), \(endpoint.secret),
                        \(endpoint.createdBy), \(endpoint.createdAt))
                """,
                logger: logger
            )
        }
    }

    public func endpoints() async throws -> [WebhookEndpoint] {
        try await endpoints(only: nil)
    }

    public func endpoint(_ id: UUID) async throws -> WebhookEndpoint? {
        try await endpoints(only: id).first
    }

    private func endpoints(only id: UUID?) async throws -> [WebhookEndpoint] {
        try await Deadline.run(within: timeout) { [self] in
            var found: [WebhookEndpoint] = []
            for try await (id, url, topics, secret, createdBy, createdAt) in try await client.query(
                """
                SELECT id, url, topics, secret, created_by, created_at FROM webhook_endpoints
                WHERE deleted_at IS NULL AND (\(id)::uuid IS NULL OR id = \(id)) ORDER BY created_at, id
                """,
                logger: logger
            ).decode((UUID, String, String, String, String, Date).self) {
                let topics = Set(topics.split(separator: ",").compactMap { Notice.Topic(rawValue: String($0)) })
                found.append(WebhookEndpoint(id: id, url: url, topics: topics, secret: secret, createdBy: createdBy, createdAt: createdAt))
            }
            return found
        }
    }

    public func deleteEndpoint(_ id: UUID, at: Date) async throws -> Bool {
        try await Deadline.run(within: timeout) { [self] in
            var deleted = false
            for try await _ in try await client.query(
                "UPDATE webhook_endpoints SET deleted_at = \(at) WHERE id = \(id) AND deleted_at IS NULL RETURNING id", logger: logger
            ) { deleted = true }
            return deleted
        }
    }

    public func recordNotices(_ notices: [Notice]) async throws {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresWebhookTables.append(notices, on: client, logger: logger)
        }
    }

    public func recordSoldOut(_ events: [EventID], at: Date) async throws {
        guard !events.isEmpty else { return }
        let notices = events.map { SoldOut.notice(of: $0, at: at) }
        try await Deadline.run(within: timeout) { [self] in
            // The marker and its notice in one statement: an event sold out once is noticed once, whoever sees it.
            _ = try await client.query(
                """
                WITH new AS (
                    INSERT INTO sold_out_events (event_id, at) SELECT UNNEST(\(events.map(\.rawValue))), \(at)
                    ON CONFLICT DO NOTHING RETURNING event_id)
                INSERT INTO notices (id, topic, event_id, subject, at)
                SELECT n.id, \(Notice.Topic.eventSoldOut.rawValue), n.event_id, '', \(at)
                FROM UNNEST(\(notices.map(\.id)), \(events.map(\.rawValue))) AS n(id, event_id) JOIN new USING (event_id)
                ON CONFLICT (id) DO NOTHING
                """,
                logger: logger
            )
        }
    }

    public func queuedNotices(limit: Int) async throws -> [QueuedNotice] {
        try await Deadline.run(within: timeout) { [self] in
            var found: [QueuedNotice] = []
            for try await (seq, id, topic, event, booking, subject, at) in try await client.query(
                "SELECT seq, id, topic, event_id, booking_id, subject, at FROM notices ORDER BY seq LIMIT \(limit)", logger: logger
            ).decode((Int64, UUID, String, Int64, UUID?, String, Date).self) {
                guard let topic = Notice.Topic(rawValue: topic) else { throw UnreadableRow(table: "notices") }
                found.append(QueuedNotice(seq: seq, notice: Notice(
                    id: id, topic: topic, eventID: EventID(rawValue: event), bookingID: booking.map(BookingID.init(rawValue:)), subject: subject, at: at
                )))
            }
            return found
        }
    }

    public func fanOut(_ deliveries: [WebhookDelivery], done: [UUID]) async throws {
        try await Deadline.run(within: timeout) { [self] in
            try await client.withTransaction(logger: logger) { connection in
                if !deliveries.isEmpty {
                    _ = try await connection.query(
                        """
                        INSERT INTO webhook_deliveries (id, endpoint_id, notice_id, notice_seq, topic, line, body, status, created_at, next_attempt_at, retry_until)
                        SELECT id, endpoint_id, notice_id, notice_seq, topic, line, body, 'pending', created_at, next_attempt_at, retry_until
                        FROM UNNEST(\(deliveries.map(\.id)), \(deliveries.map(\.endpointID)), \(deliveries.map(\.noticeID)), \(deliveries.map(\.noticeSeq)),
                                    \(deliveries.map(\.topic.rawValue)), \(deliveries.map(\.line)), \(deliveries.map(\.body)), \(deliveries.map(\.createdAt)),
                                    \(deliveries.map(\.nextAttemptAt)), \(deliveries.map(\.retryUntil)))
                            AS d(id, endpoint_id, notice_id, notice_seq, topic, line, body, created_at, next_attempt_at, retry_until)
                        ON CONFLICT (endpoint_id, notice_id) DO NOTHING
                        """,
                        logger: logger
                    )
                }
                _ = try await connection.query("DELETE FROM notices WHERE id = ANY(\(done))", logger: logger)
            }
        }
    }

    public func claimDue(at now: Date, lease: TimeInterval, limit: Int) async throws -> [WebhookDelivery] {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresWebhookTables.deliveries(
                """
                UPDATE webhook_deliveries SET lease_until = \(now.addingTimeInterval(lease)), lease_id = \(UUID())
                WHERE id IN (
                    SELECT d.id FROM webhook_deliveries d
                    WHERE d.status = 'pending' AND d.next_attempt_at <= \(now) AND (d.lease_until IS NULL OR d.lease_until < \(now))
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries e
                          WHERE e.status = 'pending' AND e.endpoint_id = d.endpoint_id AND e.line = d.line AND e.notice_seq < d.notice_seq)
                    ORDER BY d.next_attempt_at, d.notice_seq LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PostgresWebhookTables.deliveryColumns)
                """,
                on: client, logger: logger
            )
        }
    }

    public func record(_ attempt: WebhookAttempt, of delivery: WebhookDelivery, delivered: Bool, next: Date?) async throws {
        guard let lease = delivery.lease else { return }
        let status = delivered ? "delivered" : next == nil ? "parked" : "pending"
        try await Deadline.run(within: timeout) { [self] in
            // Only under the claim it was taken with (a sender whose lease ran out records nothing), numbered in order. The
            // line behind it waits as long as it does, so claims skip it meanwhile; once it is out of the way, it is due now.
            let waits = next != nil && !delivered
            let wait = next ?? attempt.at
            _ = try await client.query(
                """
                WITH moved AS (
                    UPDATE webhook_deliveries SET status = \(status), attempts = attempts + 1,
                        next_attempt_at = COALESCE(\(next), next_attempt_at), lease_until = NULL, lease_id = NULL,
                        delivered_at = CASE WHEN \(delivered) THEN \(attempt.at) ELSE delivered_at END
                    WHERE id = \(delivery.id) AND lease_id = \(lease) AND status = 'pending'
                    RETURNING attempts),
                recorded AS (
                    INSERT INTO webhook_attempts (delivery_id, number, at, status_code, detail, milliseconds)
                    SELECT \(delivery.id), attempts, \(attempt.at), \(attempt.statusCode), \(attempt.detail), \(attempt.milliseconds) FROM moved)
                UPDATE webhook_deliveries SET next_attempt_at = CASE WHEN \(waits) THEN GREATEST(next_attempt_at, \(wait)) ELSE LEAST(next_attempt_at, \(wait)) END
                WHERE EXISTS (SELECT 1 FROM moved) AND endpoint_id = \(delivery.endpointID) AND line = \(delivery.line) AND status = 'pending'
                  AND notice_seq > \(delivery.noticeSeq)
                """,
                logger: logger
            )
        }
    }

    public func deliveries(of endpoint: UUID, status: WebhookDelivery.Status?, before seq: Int64?, limit: Int) async throws -> [WebhookDelivery] {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresWebhookTables.deliveries(
                """
                SELECT \(unescaped: PostgresWebhookTables.deliveryColumns) FROM webhook_deliveries
                WHERE endpoint_id = \(endpoint) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                  AND (\(seq)::bigint IS NULL OR seq < \(seq))
                ORDER BY seq DESC LIMIT \(limit)
                """,
                on: client, logger: logger
            )
        }
    }

    public func attempts(of deliveries: [UUID]) async throws -> [UUID: [WebhookAttempt]] {
        guard !deliveries.isEmpty else { return [:] }
        return try await Deadline.run(within: timeout) { [self] in
            var found: [UUID: [WebhookAttempt]] = [:]
            for try await (delivery, number, at, status, detail, milliseconds) in try await client.query(
                """
                SELECT delivery_id, number, at, status_code, detail, milliseconds FROM webhook_attempts
                WHERE delivery_id = ANY(\(deliveries)) ORDER BY delivery_id, number
                """,
                logger: logger
            ).decode((UUID, Int, Date, Int?, String, Int).self) {
                found[delivery, default: []].append(WebhookAttempt(number: number, at: at, statusCode: status, detail: detail, milliseconds: milliseconds))
            }
            return found
        }
    }

    public func delivery(_ id: UUID, of endpoint: UUID) async throws -> WebhookDelivery? {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresWebhookTables.deliveries(
                "SELECT \(unescaped: PostgresWebhookTables.deliveryColumns) FROM webhook_deliveries WHERE id = \(id) AND endpoint_id = \(endpoint)",
                on: client, logger: logger
            ).first
        }
    }

    public func resend(_ delivery: UUID, of endpoint: UUID, at now: Date, until: Date) async throws -> WebhookDelivery? {
        try await Deadline.run(within: timeout) { [self] in
            try await PostgresWebhookTables.deliveries(
                """
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = \(now), retry_until = \(until), lease_until = NULL, lease_id = NULL
                WHERE id = \(delivery) AND endpoint_id = \(endpoint) AND status IN ('delivered', 'parked')
                RETURNING \(unescaped: PostgresWebhookTables.deliveryColumns)
                """,
                on: client, logger: logger
            ).first
        }
    }
}
