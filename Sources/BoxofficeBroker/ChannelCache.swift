import BoxofficeAMQP
import Synchronization

/// One channel on whatever connection is current, opened (and prepared) once and shared by every caller until the
/// channel or its connection closes; concurrent first callers wait for the same opening.
final class ChannelCache: Sendable {
    private let connection: BrokerConnection
    private let prepare: @Sendable (AMQPChannel) async throws -> Void
    private let opening = Mutex<Task<AMQPChannel, any Error>?>(nil)

    /// A cache of channels on `connection`, each run through `prepare` (declarations, confirm mode) before use.
    init(on connection: BrokerConnection, prepare: @escaping @Sendable (AMQPChannel) async throws -> Void) {
        self.connection = connection
        self.prepare = prepare
    }

    /// The channel to use now: the cached one while it is open, else a new one on the current connection.
    /// - Throws: ``BrokerUnavailable`` while the connection is down; the opening's error when it failed.
    func channel() async throws -> AMQPChannel {
        for _ in 0 ..< 2 {
            guard let current = connection.current else { throw BrokerUnavailable(detail: "not connected (\(connection.purpose))") }
            let task = opening.withLock { opening in
                if let opening { return opening }
                let prepare = self.prepare
                let task = Task {
                    let channel = try await current.openChannel()
                    try await prepare(channel)
                    return channel
                }
                opening = task
                return task
            }
            let channel: AMQPChannel
            do {
                channel = try await task.value
            } catch {
                drop(task)
                throw error
            }
            if channel.isOpen { return channel }
            drop(task)
        }
        throw BrokerUnavailable(detail: "the \(connection.purpose) channel keeps closing")
    }

    private func drop(_ task: Task<AMQPChannel, any Error>) {
        opening.withLock { opening in
            if opening == task { opening = nil }
        }
    }
}
