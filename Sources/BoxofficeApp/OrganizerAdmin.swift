import BoxofficeAuth
import Foundation
import Logging
import ServiceLifecycle

/// `boxoffice organizer add`: makes an identity an organizer, on the booking database `serve` would use.
public enum OrganizerAdmin {
    /// Makes the identity of `email` an organizer, creating it with `password` when the email is new.
    /// - Returns: whether it was created.
    public static func add(email: String, password: String?, configuration: ServeConfiguration, logger: Logger) async throws -> Bool {
        let directory = URL(fileURLWithPath: configuration.dataDirectory, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try await BookingDatabase.open(configuration, directory: directory, logger: logger)
        let secret = try StoredSecret.resolve(StoredSecret.authSecret, configured: configuration.authSecret, dataDirectory: directory, logger: logger)
        let auth = AuthService(codec: try await TokenCodec.make(secret: Array(secret.utf8)), store: database.store)
        let services = ServiceGroup(services: database.services, logger: logger)
        async let running: Void = services.run()
        do {
            _ = try await database.migrate()
            let created = try await auth.addOrganizer(email: email, password: password)
            await services.triggerGracefulShutdown()
            try await running
            return created
        } catch {
            await services.triggerGracefulShutdown()
            try? await running
            throw error
        }
    }
}
