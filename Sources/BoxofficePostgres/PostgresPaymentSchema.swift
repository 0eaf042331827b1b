import BoxofficeStorage

/// The payment service's PostgreSQL schema, in a schema of its own (`payments`) — in its own database
/// with `--payments-database`, or beside the booking tables without it.
public enum PostgresPaymentSchema {
    /// The PostgreSQL schema the payment tables live in.
    public static let name = "payments"

    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(version: 1, name: "accounts, ledger, payments, outbox, inbox", statements: [
            """
            CREATE TABLE accounts (
                id UUID PRIMARY KEY,
                user_identifier TEXT NOT NULL UNIQUE,
                balance_minor BIGINT NOT NULL CHECK (balance_minor >= 0),
                currency TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """,
            """
            CREATE TABLE ledger (
                id UUID PRIMARY KEY,
                seq BIGSERIAL,
                account_id UUID NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL CHECK (kind IN ('deposit', 'charge', 'refund')),
                amount_minor BIGINT NOT NULL,
                balance_after_minor BIGINT NOT NULL CHECK (balance_after_minor >= 0),
                booking_id UUID,
                created_at TIMESTAMPTZ NOT NULL)
            """,
            "CREATE INDEX ledger_account ON ledger(account_id, seq)",
            """
            CREATE TABLE payments (
                booking_id UUID PRIMARY KEY,
                account_id UUID,
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'refunded')),
                reason TEXT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL)
            """,
        ] + PostgresMessageTables.schema),
        Migration(version: 2, name: "outbox rows claimed by one relay at a time", statements: [PostgresMessageTables.claims]),
        Migration(version: 3, name: "message tables pruned by age", statements: PostgresMessageTables.retentionIndexes),
        Migration(version: 4, name: "idempotency keys; deposits by key", statements: PostgresIdempotencyKeys.schema + [
            """
            CREATE TABLE deposit_keys (
                account_id UUID NOT NULL, key TEXT NOT NULL, entry_id UUID NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account_id, key))
            """,
        ]),
        Migration(version: 5, name: "access tokens revoked before their expiry", statements: [
            "CREATE TABLE token_revocations (kind TEXT NOT NULL, subject UUID NOT NULL, until TIMESTAMPTZ NOT NULL, PRIMARY KEY (kind, subject))",
        ]),
        Migration(version: 6, name: "idempotency claims with their own id, renewed while their request runs", statements: PostgresIdempotencyKeys.claimIDs),
        Migration(version: 7, name: "a keyed write records its effect with itself, for a retry after a crash", statements: PostgresIdempotencyKeys.effects),
        Migration(version: 8, name: "payments returned in part: how much of each went back; a booking's ledger entries", statements: [
            "CREATE INDEX ledger_booking ON ledger(booking_id)",
            "ALTER TABLE payments ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0)",
            "UPDATE payments SET refunded_minor = amount_minor WHERE status = 'refunded'",
        ]),
    ]
}
