/// The commands waiting for an event engine's next batch, and whether a drain is running to take them.
struct EngineInbox: ~Copyable {
    private var commands: [EngineCommand] = []
    private var draining = false

    /// Adds a command.
    /// - Returns: true when no drain is running: the caller must start one.
    mutating func add(_ command: consuming EngineCommand) -> Bool {
        commands.append(command)
        defer { draining = true }
        return !draining
    }

    /// Takes the oldest commands, at most `limit`, for the next batch.
    /// - Returns: nil when none wait; the drain then ends, and the next `add` starts another.
    mutating func take(upTo limit: Int) -> [EngineCommand]? {
        guard !commands.isEmpty else {
            draining = false
            return nil
        }
        guard commands.count > limit else {
            defer { commands = [] }
            return commands
        }
        defer { commands.removeFirst(limit) }
        return Array(commands.prefix(limit))
    }
}
