import BoxofficeDomain
import Logging
import PostgresNIO

/// Follows other instances' committed changes through `LISTEN`, reconnecting by itself. A notification's payload
/// is `instance:event`, or `instance:event:claims` for a batch that only inserted claims.
public struct PostgresChangeFeed: InventoryChangeFeed {
    private let client: PostgresClient
    private let instanceID: String
    private let logger: Logger

    /// A feed for the store's instance: its own announcements are ignored.
    public init(store: PostgresBookingStore) {
        self.client = store.client
        self.instanceID = store.instanceID
        self.logger = store.logger
    }

    public func follow(onChange: @escaping @Sendable (EventID, RemoteInventoryChange) async -> Void, onResync: @escaping @Sendable () async -> Void) async throws {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresBookingStore.channel) { notifications in
                        delay = .milliseconds(100)
                        await onResync()
                        for try await notification in notifications {
                            let parts = notification.payload.split(separator: ":")
                            guard parts.count >= 2, parts[0] != instanceID, let id = Int64(parts[1]) else { continue }
                            await onChange(EventID(rawValue: id), parts.count == 3 && parts[2] == PostgresBookingStore.claimsOnly ? .claimsOnly : .any)
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("lost the change feed (\(String(reflecting: error))); listening again in \(delay)")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }
}
