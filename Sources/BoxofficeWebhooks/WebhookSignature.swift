import Crypto
import Foundation

/// How a delivery proves it came from us, as Stripe signs its webhooks: `Boxoffice-Signature: t=<unix seconds>,v1=<hex>`,
/// where the hex is HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot and the body. A receiver
/// recomputes it, compares in constant time, and refuses a timestamp too old (a replay).
public enum WebhookSignature {
    /// The header's name.
    public static let header = "Boxoffice-Signature"

    /// The header's value for `body` sent at `timestamp` (Unix seconds).
    public static func sign(_ body: Data, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hex(of: body, secret: secret, timestamp: timestamp))"
    }

    /// Whether `header` is a valid signature of `body` with `secret`, made no more than `tolerance` seconds before `now`.
    public static func verify(_ header: String, body: Data, secret: String, now: Date, tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(hex(of: body, secret: secret, timestamp: timestamp).utf8)
        return signatures.contains { candidate in
            let given = Array(candidate.utf8)
            return given.count == expected.count && zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    private static func hex(of body: Data, secret: String, timestamp: Int) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
