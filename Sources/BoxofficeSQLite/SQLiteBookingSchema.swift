import BoxofficeStorage

/// The booking service's SQLite schema, one migration per change.
public enum SQLiteBookingSchema {
    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "events, seat claims, pools, bookings", statements: [
            """
            CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                venue TEXT NOT NULL,
                starts_at INTEGER NOT NULL,
                sales_start INTEGER NOT NULL,
                sales_end INTEGER NOT NULL,
                hold_ttl_seconds INTEGER NOT NULL CHECK (hold_ttl_seconds > 0),
                max_tickets INTEGER NOT NULL CHECK (max_tickets > 0),
                currency TEXT NOT NULL,
                first_seat_id INTEGER NOT NULL,
                seat_count INTEGER NOT NULL CHECK (seat_count >= 0),
                layout TEXT NOT NULL,
                created_at INTEGER NOT NULL)
            """,
            """
            CREATE TABLE seat_claims (
                seat_id INTEGER PRIMARY KEY,
                event_id INTEGER NOT NULL REFERENCES events(id),
                booking_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('held', 'sold')))
            """,
            "CREATE INDEX seat_claims_booking ON seat_claims(booking_id)",
            "CREATE INDEX seat_claims_event ON seat_claims(event_id)",
            """
            CREATE TABLE ga_pools (
                id INTEGER PRIMARY KEY,
                event_id INTEGER NOT NULL REFERENCES events(id),
                name TEXT NOT NULL,
                price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
                capacity INTEGER NOT NULL CHECK (capacity > 0),
                held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
                sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0),
                CHECK (held + sold <= capacity))
            """,
            "CREATE INDEX ga_pools_event ON ga_pools(event_id)",
            """
            CREATE TABLE bookings (
                id TEXT PRIMARY KEY,
                event_id INTEGER NOT NULL REFERENCES events(id),
                status TEXT NOT NULL,
                seat_ids TEXT NOT NULL,
                tickets TEXT NOT NULL,
                amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                currency TEXT NOT NULL,
                user_identifier TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL)
            """,
            "CREATE INDEX bookings_event_status ON bookings(event_id, status)",
        ]),
        Migration(version: 2, name: "outbox, inbox, dead letters", statements: SQLiteMessageTables.schema),
        Migration(version: 3, name: "bookings by customer", statements: [
            "CREATE INDEX bookings_customer ON bookings(user_identifier, created_at)",
        ]),
        // Every read and write of a claim now goes by seat id (an event's seats are one range of ids), so two
        // indexes each hold cost are dropped.
        Migration(version: 4, name: "seat claims found by seat only", statements: [
            "DROP INDEX seat_claims_booking",
            "DROP INDEX seat_claims_event",
        ]),
        Migration(version: 5, name: "outbox rows claimed by one relay at a time", statements: [SQLiteMessageTables.claims]),
        Migration(version: 6, name: "bookings waiting for their payment or past their hold; message tables pruned by age", statements: [
            "CREATE INDEX bookings_waiting_payment ON bookings(updated_at) WHERE status = 'payment_pending'",
            "CREATE INDEX bookings_held_until ON bookings(expires_at) WHERE status = 'held'",
        ] + SQLiteMessageTables.retentionIndexes),
        Migration(version: 7, name: "identities and their sessions", statements: SQLiteBookingStore.identityTables),
        Migration(version: 8, name: "idempotency keys", statements: SQLiteIdempotencyKeys.schema),
        // Events made before have no caps (NULL), so no holdings need counting for them.
        Migration(version: 9, name: "what one customer and one address may hold", statements: [
            "ALTER TABLE events ADD COLUMN max_tickets_per_customer INTEGER CHECK (max_tickets_per_customer > 0)",
            "ALTER TABLE events ADD COLUMN held_per_address INTEGER CHECK (held_per_address > 0)",
            """
            CREATE TABLE customer_holdings (
                event_id INTEGER NOT NULL REFERENCES events(id),
                customer TEXT NOT NULL,
                tickets INTEGER NOT NULL CHECK (tickets >= 0),
                PRIMARY KEY (event_id, customer))
            """,
        ]),
        Migration(version: 10, name: "access tokens revoked before their expiry", statements: SQLiteBookingStore.revocationTable),
        Migration(version: 11, name: "idempotency claims with their own id, renewed while their request runs", statements: SQLiteIdempotencyKeys.claimIDs),
        Migration(version: 12, name: "a keyed write records its effect with itself, for a retry after a crash", statements: SQLiteIdempotencyKeys.effects),
        Migration(version: 13, name: "what an event does about seats left alone", statements: [
            "ALTER TABLE events ADD COLUMN orphan_rule TEXT NOT NULL DEFAULT 'avoid' CHECK (orphan_rule IN ('avoid', 'refuse', 'off'))",
        ]),
        Migration(version: 14, name: "waiting rooms: each event's queue and its visitors", statements: SQLiteQueueTables.schema),
        Migration(version: 15, name: "waiting rooms: active shoppers, proof of work, and when each visitor was let in", statements: SQLiteQueueTables.movesSchema),
        Migration(version: 16, name: "tickets: events' signing keys, new secrets, check-ins, door staff", statements: SQLiteTicketTables.schema),
        Migration(version: 17, name: "back office: refunds and their tickets, bookings' histories, events' status and cancellation, customers' cancellation cutoff", statements: SQLiteBackOfficeTables.schema),
        Migration(version: 18, name: "webhooks: notices waiting to be sent out, endpoints, deliveries and their attempts", statements: SQLiteWebhookTables.schema),
        Migration(version: 19, name: "prices of categories changed after the event was made", statements: ["ALTER TABLE events ADD COLUMN category_prices TEXT"]),
        Migration(version: 20, name: "how many times the seat map was changed", statements: ["ALTER TABLE events ADD COLUMN layout_version INTEGER NOT NULL DEFAULT 0"]),
    ]
}
