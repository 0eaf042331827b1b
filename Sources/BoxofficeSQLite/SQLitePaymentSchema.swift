import BoxofficeStorage

/// The payment service's SQLite schema: its own file, its own migrations.
public enum SQLitePaymentSchema {
    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "accounts, ledger, payments, outbox, inbox", statements: [
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                user_identifier TEXT NOT NULL UNIQUE,
                balance_minor INTEGER NOT NULL CHECK (balance_minor >= 0),
                currency TEXT NOT NULL,
                created_at INTEGER NOT NULL)
            """,
            """
            CREATE TABLE ledger (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund')),
                amount_minor INTEGER NOT NULL,
                balance_after_minor INTEGER NOT NULL CHECK (balance_after_minor >= 0),
                booking_id TEXT,
                created_at INTEGER NOT NULL)
            """,
            "CREATE INDEX ledger_account ON ledger(account_id, created_at)",
            """
            CREATE TABLE payments (
                booking_id TEXT PRIMARY KEY,
                account_id TEXT,
                amount_minor INTEGER NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'refunded')),
                reason TEXT,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL)
            """,
        ] + SQLiteMessageTables.schema),
        Migration(version: 2, name: "outbox rows claimed by one relay at a time", statements: [SQLiteMessageTables.claims]),
        Migration(version: 3, name: "message tables pruned by age", statements: SQLiteMessageTables.retentionIndexes),
        Migration(version: 4, name: "idempotency keys; deposits by key", statements: SQLiteIdempotencyKeys.schema + [
            """
            CREATE TABLE deposit_keys (
                account_id TEXT NOT NULL, key TEXT NOT NULL, entry_id TEXT NOT NULL, created_at INTEGER NOT NULL,
                PRIMARY KEY (account_id, key))
            """,
        ]),
        Migration(version: 5, name: "access tokens revoked before their expiry", statements: [
            "CREATE TABLE token_revocations (kind TEXT NOT NULL, subject TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (kind, subject))",
        ]),
        Migration(version: 6, name: "idempotency claims with their own id, renewed while their request runs", statements: SQLiteIdempotencyKeys.claimIDs),
        Migration(version: 7, name: "a keyed write records its effect with itself, for a retry after a crash", statements: SQLiteIdempotencyKeys.effects),
        Migration(version: 8, name: "payments returned in part: how much of each went back; a booking's ledger entries", statements: [
            "CREATE INDEX ledger_booking ON ledger(booking_id)",
            "ALTER TABLE payments ADD COLUMN refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0)",
            "UPDATE payments SET refunded_minor = amount_minor WHERE status = 'refunded'",
        ]),
    ]
}
