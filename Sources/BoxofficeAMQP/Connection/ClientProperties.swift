extension AMQPConfiguration {
    /// The client properties sent in connection.start-ok, with the capabilities this client implements.
    var clientProperties: AMQPTable {
        var properties: AMQPTable = [
            "product": "BoxofficeAMQP",
            "platform": "Swift",
            "version": "0.1.0",
            "information": "AMQP 0-9-1 client for Boxoffice",
            "capabilities": [
                "publisher_confirms": true,
                "exchange_exchange_bindings": true,
                "basic.nack": true,
                "consumer_cancel_notify": true,
                "connection.blocked": true,
                "authentication_failure_close": true,
            ],
        ]
        if let connectionName = self.connectionName {
            properties["connection_name"] = .longString(connectionName)
        }
        return properties
    }
}
