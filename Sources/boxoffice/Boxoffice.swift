import ArgumentParser

/// `boxoffice`: the one executable of the ticket booking platform.
@main
struct Boxoffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A high-load ticket booking platform.",
        subcommands: [ServeCommand.self, MigrateCommand.self, LoadtestCommand.self, DeadLettersCommand.self, OrganizerCommand.self]
    )
}
