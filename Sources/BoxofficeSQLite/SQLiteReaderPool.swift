import SQLiteNIO

/// Reader connections lent out one read at a time.
///
/// A connection runs every statement given to it inside the read transaction of any statement it is still stepping, so
/// two reads sharing one connection at once share the older one's snapshot: a read that starts after a commit could
/// miss it. Lending each connection to one read at a time keeps every read's snapshot as new as its start.
actor SQLiteReaderPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection?, Never>] = []
    private var closed = false

    init(_ connections: [SQLiteConnection]) {
        idle = connections
    }

    /// Runs one read on a connection no other read is using.
    /// - Throws: ``DatabaseFileClosed`` once the pool is closed.
    func read(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        guard let connection = await borrow() else { throw DatabaseFileClosed() }
        defer { giveBack(connection) }
        return try await connection.query(sql, binds)
    }

    /// Closes the pool: reads waiting and reads to come fail. - Returns: every connection, once no read holds one.
    func drain(count: Int) async -> [SQLiteConnection] {
        closed = true
        var all = idle
        idle = []
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
        while all.count < count {
            guard let connection = await withCheckedContinuation({ waiters.append($0) }) else { continue }
            all.append(connection)
        }
        return all
    }

    private func borrow() async -> SQLiteConnection? {
        guard !closed else { return nil }
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func giveBack(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }
}

/// A read asked of a database file that was closed.
struct DatabaseFileClosed: Error, CustomStringConvertible {
    var description: String { "the database file is closed" }
}
