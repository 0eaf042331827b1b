@testable import BoxofficeAMQP
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test("a full URL is percent-decoded")
    func fullURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://book%40ing:p%3Ass%2Fw@broker.example:5673/box%2Foffice?heartbeat=5&frame_max=8192&channel_max=64&connection_timeout=2500&connection_name=api")
        #expect(configuration.username == "book@ing")
        #expect(configuration.password == "p:ss/w")
        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 5673)
        #expect(configuration.virtualHost == "box/office")
        #expect(configuration.heartbeat == .seconds(5))
        #expect(configuration.frameMax == 8192)
        #expect(configuration.channelMax == 64)
        #expect(configuration.connectTimeout == .milliseconds(2500))
        #expect(configuration.connectionName == "api")
    }

    @Test("defaults: guest, port 5672, vhost /")
    func defaults() throws {
        let configuration = try AMQPConfiguration(url: "amqp://h")
        #expect(configuration.username == "guest")
        #expect(configuration.password == "guest")
        #expect(configuration.port == 5672)
        #expect(configuration.virtualHost == "/")
        #expect(configuration.heartbeat == .seconds(10))
        #expect(configuration.frameMax == 131_072)
        #expect(configuration.channelMax == 2047)
    }

    @Test("an empty path and %2f both mean the vhost /", arguments: ["amqp://h", "amqp://h/", "amqp://h/%2f", "amqp://h/%2F"])
    func rootVirtualHost(url: String) throws {
        #expect(try AMQPConfiguration(url: url).virtualHost == "/")
    }

    @Test("IPv6 hosts in brackets")
    func ipv6() throws {
        let configuration = try AMQPConfiguration(url: "amqp://u:p@[::1]:5679/v")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5679)
        #expect(configuration.redacted == "amqp://u@[::1]:5679/v")
    }

    @Test("clear errors that never contain the password", arguments: [
        ("http://u:topsecret@h/", "scheme"),
        ("amqps://u:topsecret@h/", "TLS"),
        ("amqp://u:topsecret@/", "no host"),
        ("amqp://u:topsecret@h:0/", "port"),
        ("amqp://u:topsecret@h:65536/", "port"),
        ("amqp://u:topsecret@h:abc/", "port"),
        ("amqp://u:topsecret@bad host/", "host"),
        ("amqp://u:top%zzsecret@h/", "password"),
        ("amqp://u:topsecret@h/a/b", "%2F"),
        ("amqp://u:topsecret@h/?frame_max=100", "frameMax"),
        ("amqp://u:topsecret@h/?bogus=1", "bogus"),
        ("u:topsecret@h", "amqp://"),
    ])
    func errors(url: String, mentions: String) {
        let error = #expect(throws: AMQPConfigurationError.self) { try AMQPConfiguration(url: url) }
        #expect(error?.message.contains(mentions) == true, "\(String(describing: error))")
        #expect(error?.description.contains("topsecret") == false)
    }

    @Test("redacted leaves out the password, and so does the description")
    func redacted() throws {
        let configuration = try AMQPConfiguration(url: "amqp://boxoffice:topsecret@127.0.0.1:5672/%2f")
        #expect(configuration.redacted == "amqp://boxoffice@127.0.0.1:5672/%2F")
        #expect(!"\(configuration)".contains("topsecret"))
        #expect(!String(reflecting: configuration).contains("topsecret"))
    }

    @Test("the heartbeat is rounded up to whole seconds")
    func heartbeatSeconds() throws {
        var configuration = AMQPConfiguration(host: "h")
        configuration.heartbeat = .milliseconds(1500)
        #expect(try configuration.heartbeatSeconds == 2)
        configuration.heartbeat = .zero
        #expect(try configuration.heartbeatSeconds == 0)
        configuration.heartbeat = .seconds(70_000)
        #expect(throws: AMQPConfigurationError.self) { try configuration.heartbeatSeconds }
    }

    @Test("client properties advertise the capabilities and the connection name")
    func clientProperties() {
        var configuration = AMQPConfiguration(host: "h")
        configuration.connectionName = "booking-api"
        let properties = configuration.clientProperties
        #expect(properties["connection_name"] == .longString("booking-api"))
        guard case .table(let capabilities) = properties["capabilities"] else {
            Issue.record("no capabilities table")
            return
        }
        for capability in ["publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify", "connection.blocked", "authentication_failure_close"] {
            #expect(capabilities[capability] == .bool(true), "\(capability)")
        }
    }
}
