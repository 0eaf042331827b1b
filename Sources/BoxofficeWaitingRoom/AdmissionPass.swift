import BoxofficeDomain
import Crypto
import Foundation
import Synchronization

/// What an admitted visitor shows with every hold of a queued event: the event, its holder, its position and its
/// end, signed with a key every booking instance shares, so any instance checks it without reading the database.
public struct AdmissionPass: Sendable, Equatable {
    /// The event it admits to.
    public var event: EventID
    /// Whose it is: only this identity may use it.
    public var holder: String
    /// The holder's position in the queue.
    public var position: Int
    /// When it ends.
    public var expiresAt: Date

    /// Creates a pass.
    public init(event: EventID, holder: String, position: Int, expiresAt: Date) {
        self.event = event
        self.holder = holder
        self.position = position
        self.expiresAt = expiresAt
    }
}

/// Signs and checks admission passes: `v1.<event>.<holder>.<position>.<expiry>` in base64url, a dot, and its
/// HMAC-SHA256 in base64url. A buyer sends its pass with every hold, so the passes checked lately are remembered
/// (by their whole text: a changed pass is checked anew) and each later use costs a look-up.
public struct PassSigner: Sendable {
    private let key: SymmetricKey
    private let checked = CheckedPasses()

    /// A signer whose key is derived from the service's signing secret (kept apart from the tokens' key).
    public init(secret: [UInt8]) {
        key = SymmetricKey(data: SHA256.hash(data: Array("boxoffice admission pass".utf8) + secret))
    }

    /// The pass as text, for the `Queue-Pass` header.
    public func sign(_ pass: AdmissionPass) -> String {
        let payload = Array("v1.\(pass.event.rawValue).\(pass.holder).\(pass.position).\(Int64(pass.expiresAt.timeIntervalSince1970))".utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Array(mac))
    }

    /// The pass a text carries, if it is one this service signed, held by `holder` and not ended at `now`.
    public func verify(_ text: Substring, holder: String, now: Date) -> AdmissionPass? {
        let pass: AdmissionPass
        if let known = checked.pass(String(text)) {
            pass = known
        } else {
            guard let signed = signed(text) else { return nil }
            checked.remember(String(text), as: signed)
            pass = signed
        }
        guard pass.holder == holder, pass.expiresAt > now else { return nil }
        return pass
    }

    /// The pass a text carries, if this service signed it.
    private func signed(_ text: Substring) -> AdmissionPass? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key)
        else { return nil }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "v1", let event = Int64(fields[1]), let position = Int(fields[3]), let expiry = Int64(fields[4]) else {
            return nil
        }
        return AdmissionPass(event: EventID(rawValue: event), holder: String(fields[2]), position: position, expiresAt: Date(timeIntervalSince1970: Double(expiry)))
    }
}

/// The passes whose signature was checked lately.
private final class CheckedPasses: Sendable {
    private let entries = Mutex<[String: AdmissionPass]>([:])

    /// The most passes remembered; past it the memory starts over.
    static let capacity = 65_536

    func pass(_ text: String) -> AdmissionPass? {
        entries.withLock { $0[text] }
    }

    func remember(_ text: String, as pass: AdmissionPass) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = pass
        }
    }
}
