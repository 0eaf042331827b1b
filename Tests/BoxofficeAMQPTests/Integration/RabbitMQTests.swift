import Testing

/// Tests against the real broker of `scripts/test`; skipped without `BOXOFFICE_TEST_AMQP_URL`, unless
/// `BOXOFFICE_REQUIRE_RABBITMQ=1` makes a missing broker fail. Serialized: one test raises a node-wide memory alarm.
@Suite("RabbitMQ", .serialized, .enabled(if: TestBroker.isEnabled, "set BOXOFFICE_TEST_AMQP_URL (scripts/test does)"), .timeLimit(.minutes(3)))
struct RabbitMQTests {}
