import Foundation
import HummingbirdWSTesting
import NIOCore
import Synchronization
import WSClient

/// The test's side of `/api/ws`: sends commands, and collects every JSON message the server sends so the
/// test can wait for the ones it expects.
final class LiveClient: Sendable {
    struct TimedOut: Error, CustomStringConvertible {
        let waitingFor: String
        let received: [String]
        var description: String { "no \(waitingFor) message within the deadline; received \(received)" }
    }

    private let outbound: WebSocketOutboundWriter
    private let received = Mutex<[[String: any Sendable]]>([])
    private let taken = Mutex(Set<Int>())

    private init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    /// Reads the socket in the background while `body` runs.
    static func session<Value: Sendable>(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, _ body: @Sendable (LiveClient) async throws -> Value
    ) async throws -> Value {
        let client = LiveClient(outbound: outbound)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message,
                          let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: any Sendable] else { continue }
                    client.received.withLock { $0.append(object) }
                }
                return nil
            }
            let value = try await body(client)
            group.cancelAll()
            return value
        }
    }

    /// Sends a command.
    func send(_ json: String) async throws {
        try await outbound.write(.text(json))
    }

    /// The earliest message of a type not taken before; fails after `seconds`.
    func next(_ type: String, within seconds: Double = 5) async throws -> [String: any Sendable] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let found: [String: any Sendable]? = taken.withLock { taken in
                let all = received.withLock { $0 }
                guard let index = all.indices.first(where: { !taken.contains($0) && all[$0]["type"] as? String == type }) else { return nil }
                taken.insert(index)
                return all[index]
            }
            if let found { return found }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TimedOut(waitingFor: type, received: all.map { String(describing: $0) })
    }

    /// Every message received so far.
    var all: [[String: any Sendable]] { received.withLock { $0 } }
}
