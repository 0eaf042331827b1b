import BoxofficeApp
import Testing

@Suite("Serve configuration")
struct ServeConfigurationTests {
    @Test("defaults: embedded, loopback, port 8080, demo on")
    func defaults() throws {
        let configuration = try ServeConfiguration.resolve(flags: .init(), environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.demo)
        #expect(!configuration.logRequests)
        #expect(configuration.organizerToken == nil)
    }

    @Test("environment variables override defaults and flags override both")
    func precedence() throws {
        let environment = [
            "BOXOFFICE_HOST": "0.0.0.0", "BOXOFFICE_PORT": "9000", "BOXOFFICE_DATA_DIR": "/srv/box",
            "BOXOFFICE_ORGANIZER_TOKEN": "a-secret-organizer-token", "BOXOFFICE_DEMO": "false", "BOXOFFICE_LOG_REQUESTS": "1",
        ]
        let fromEnvironment = try ServeConfiguration.resolve(flags: .init(), environment: environment)
        #expect(fromEnvironment.host == "0.0.0.0")
        #expect(fromEnvironment.port == 9000)
        #expect(fromEnvironment.dataDirectory == "/srv/box")
        #expect(fromEnvironment.organizerToken == "a-secret-organizer-token")
        #expect(!fromEnvironment.demo)
        #expect(fromEnvironment.logRequests)

        var flags = ServeConfiguration.Flags()
        flags.port = 7000
        flags.demo = true
        flags.dataDirectory = "./elsewhere"
        let fromFlags = try ServeConfiguration.resolve(flags: flags, environment: environment)
        #expect(fromFlags.port == 7000)
        #expect(fromFlags.demo)
        #expect(fromFlags.dataDirectory == "./elsewhere")
        #expect(fromFlags.host == "0.0.0.0")
    }

    @Test("unusable values are refused with a clear message", arguments: [
        ["BOXOFFICE_PORT": "eighty"], ["BOXOFFICE_PORT": "70000"], ["BOXOFFICE_DEMO": "maybe"], ["BOXOFFICE_LOG_LEVEL": "loud"],
        ["BOXOFFICE_ORGANIZER_TOKEN": "orgtoken123"], ["BOXOFFICE_HEADER_TIMEOUT": "0"],
    ])
    func refused(environment: [String: String]) {
        #expect(throws: ConfigurationError.self) { try ServeConfiguration.resolve(flags: .init(), environment: environment) }
    }
}
