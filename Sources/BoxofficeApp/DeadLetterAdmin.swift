import BoxofficeMessaging
import Foundation
import Logging
import ServiceLifecycle

/// `boxoffice dead-letters`: the messages each service's consumer gave up on, and putting them back.
///
/// A dead letter sits in its consumer's database; replaying it puts the message back, unsent, in the outbox of
/// the service that sent it (the booking service sends payment requests, the payment service their outcomes),
/// and forgets the dead letter. The sender's relay publishes it again within a second, and the consumer, whose
/// inbox never recorded it, processes it as new. Works beside running servers.
public enum DeadLetterAdmin {
    /// One dead letter, as the command prints it.
    public struct Entry: Sendable {
        /// The message's id.
        public let id: UUID
        /// The message's type.
        public let type: String
        /// The consumer that gave up on it.
        public let consumer: String
        /// Why.
        public let error: String
        /// When.
        public let failedAt: Date

        init(_ letter: DeadLetter) {
            (id, type, consumer, error, failedAt) = (letter.message.id, letter.message.type, letter.consumer, letter.error, letter.failedAt)
        }
    }

    /// The dead letters of both services, oldest first.
    public static func list(_ configuration: ServeConfiguration, limit: Int, logger: Logger) async throws -> [Entry] {
        try await withArchives(configuration, logger: logger) { booking, payments in
            (try await booking.deadLetters(limit: limit) + payments.deadLetters(limit: limit)).sorted { $0.failedAt < $1.failedAt }.map(Entry.init)
        }
    }

    /// Puts dead letters back into their senders' outboxes.
    /// - Parameter ids: the message ids to replay; nil replays every dead letter.
    /// - Returns: the dead letters replayed.
    public static func replay(_ configuration: ServeConfiguration, ids: Set<UUID>?, logger: Logger) async throws -> [Entry] {
        try await withArchives(configuration, logger: logger) { booking, payments in
            var replayed: [Entry] = []
            for (archive, sender) in [(booking, payments), (payments, booking)] {
                for letter in try await archive.deadLetters(limit: 100_000) where ids?.contains(letter.message.id) ?? true {
                    try await sender.requeue(letter.message)
                    try await archive.removeDeadLetter(letter.message.id, consumer: letter.consumer)
                    replayed.append(Entry(letter))
                }
            }
            return replayed
        }
    }

    /// Opens both services' databases (migrated), runs `body` on their archives, and closes them.
    private static func withArchives<Value: Sendable>(
        _ configuration: ServeConfiguration, logger: Logger,
        _ body: @escaping @Sendable (any MessageArchive, any MessageArchive) async throws -> Value
    ) async throws -> Value {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        let booking = try await BookingDatabase.open(configuration, directory: directory, logger: logger)
        let payments = try await PaymentsDatabase.open(configuration, directory: directory, logger: logger)
        let services = ServiceGroup(services: booking.services + payments.services, logger: logger)
        async let running: Void = services.run()
        do {
            try await payments.migrate()
            _ = try await booking.migrate()
            let value = try await body(booking.store, payments.archive)
            await services.triggerGracefulShutdown()
            try await running
            return value
        } catch {
            await services.triggerGracefulShutdown()
            try? await running
            throw error
        }
    }
}
