@testable import BoxofficeApp
import Foundation
import Logging
import Testing

@Suite("Embedded start-up")
struct EmbeddedStartTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-app-\(UUID().uuidString)")
    }

    @Test("without a configured token one is generated once, stored privately, and reused")
    func organizerToken() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let generated = try StoredSecret.resolve(StoredSecret.organizerToken, configured: nil, dataDirectory: directory, logger: Logger(label: "test"))
        let file = directory.appendingPathComponent("organizer-token")
        let token = try String(contentsOf: file, encoding: .utf8)
        #expect(token.trimmingCharacters(in: .newlines) == generated)
        #expect(generated.count == 64)
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(try StoredSecret.resolve(StoredSecret.organizerToken, configured: nil, dataDirectory: directory, logger: Logger(label: "test")) == generated)
        #expect(try StoredSecret.resolve(StoredSecret.organizerToken, configured: "mine", dataDirectory: directory, logger: Logger(label: "test")) == "mine")
    }

    @Test("migrate applies the schema once")
    func migrate() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServeConfiguration()
        configuration.dataDirectory = directory.path
        #expect(try await BoxofficeServer.migrate(configuration, logger: Logger(label: "test")) == Array(1 ... 20))
        #expect(try await BoxofficeServer.migrate(configuration, logger: Logger(label: "test")).isEmpty)
    }
}
