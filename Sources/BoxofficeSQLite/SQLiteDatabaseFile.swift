import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// One SQLite database file in WAL mode: a writer connection whose transactions run one at a time,
/// and reader connections that never wait for the writer, each lent to one read at a time.
///
/// The connections run on threads of their own, so a write waiting for another process's lock
/// never starves other blocking work of the shared thread pool.
public final class SQLiteDatabaseFile: Sendable {
    private let threads: NIOThreadPool
    private let writer: SQLiteConnection
    private let readers: SQLiteReaderPool
    private let writeLock = AsyncLock()
    /// Where the file lives.
    public let path: String

    /// How many reader connections a file keeps.
    private static let readerCount = 4

    private init(path: String, threads: NIOThreadPool, writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.path = path
        self.threads = threads
        self.writer = writer
        self.readers = SQLiteReaderPool(readers)
    }

    /// Opens (creating if needed) a database file with durable commits (`synchronous=FULL`).
    public static func open(path: String, logger: Logger) async throws -> SQLiteDatabaseFile {
        let threads = NIOThreadPool(numberOfThreads: 1 + readerCount)
        threads.start()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: loop)
        _ = try await writer.query("PRAGMA journal_mode=WAL")
        for pragma in ["PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] + writerTuning {
            _ = try await writer.query(pragma)
        }
        var readers: [SQLiteConnection] = []
        for _ in 0 ..< readerCount {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger, on: loop)
            _ = try await reader.query("PRAGMA busy_timeout=10000")
            readers.append(reader)
        }
        return SQLiteDatabaseFile(path: path, threads: threads, writer: writer, readers: readers)
    }

    /// Settings that keep a large batch's write cheap; none of them weakens durability.
    /// - `temp_store=MEMORY`: the statement journal of a multi-row insert stays in memory instead of a temp file.
    /// - `cache_size`: 32 MiB of page cache, so the indexes a batch touches stay in memory.
    /// - `wal_autocheckpoint`: checkpoint every 10,000 pages (about 40 MB of WAL) rather than every 1,000, since
    ///   one flash-sale batch alone can write close to 1,000 pages.
    private static let writerTuning = ["PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-32768", "PRAGMA wal_autocheckpoint=10000"]

    /// Runs one read statement; it sees every transaction committed before it started.
    public func read(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await readers.read(sql, binds)
    }

    /// Runs `body` inside one write transaction (`BEGIN IMMEDIATE` … `COMMIT`), after any earlier one;
    /// rolls back when `body` throws.
    public func write<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        await writeLock.lock()
        do {
            try await begin()
            let result: T
            do {
                result = try await body(writer)
                _ = try await writer.query("COMMIT")
            } catch {
                _ = try? await writer.query("ROLLBACK")
                throw error
            }
            await writeLock.unlock()
            return result
        } catch {
            await writeLock.unlock()
            throw error
        }
    }

    /// Starts a write transaction; one left open by a rollback that failed is rolled back first, so a
    /// single failure never blocks every later write.
    private func begin() async throws {
        do {
            _ = try await writer.query("BEGIN IMMEDIATE")
        } catch let error as SQLiteError where error.message.contains("within a transaction") {
            _ = try await writer.query("ROLLBACK")
            _ = try await writer.query("BEGIN IMMEDIATE")
        }
    }

    /// Closes both connections; call once no more queries will come.
    public func close() async throws {
        await writeLock.lock()
        // Best effort: every connection is closed even when one fails to.
        var failure: (any Error)?
        for reader in await readers.drain(count: Self.readerCount) {
            do { try await reader.close() } catch { failure = error }
        }
        do { try await writer.close() } catch { failure = error }
        do { try await threads.shutdownGracefully() } catch { failure = error }
        await writeLock.unlock()
        if let failure { throw failure }
    }
}
