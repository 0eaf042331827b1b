import SQLiteNIO

/// Reader connections lent out one read at a time.
///
/// A connection runs every statement given to it inside the read transaction of any statement it is still stepping, so
/// two reads sharing one connection at once share the older one's snapshot: a read that starts after a commit could
/// miss it. Lending each connection to one read at a time keeps every read's snapshot as new as its start.
actor SQLiteReaderPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []

    init(_ connections: [SQLiteConnection]) {
        idle = connections
    }

    /// Runs one read on a connection no other read is using.
    func read(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        let connection = await borrow()
        defer { giveBack(connection) }
        return try await connection.query(sql, binds)
    }

    /// Every connection, once no read holds one (for closing).
    func drain(count: Int) async -> [SQLiteConnection] {
        var all: [SQLiteConnection] = []
        while all.count < count { all.append(await borrow()) }
        return all
    }

    private func borrow() async -> SQLiteConnection {
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
