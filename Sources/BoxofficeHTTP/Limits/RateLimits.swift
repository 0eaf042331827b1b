import Foundation

/// How often each kind of write may be made (`--rate-limit`, `BOXOFFICE_RATE_LIMITS`).
///
/// Each action has a rate for one identity; one address (many customers behind one network) may make ten times
/// as many. Every bucket starts full and holds two seconds' worth of its rate (at least one request), so a
/// short burst passes and a steady flood is answered `429` with `Retry-After`.
public struct RateLimits: Sendable, Equatable {
    /// What is limited.
    public enum Action: String, Sendable, CaseIterable {
        /// Holds: `POST /api/book/safe`, `POST /api/bookings`.
        case holds
        /// `POST /api/bookings/{id}/pay`.
        case payments
        /// `POST /api/accounts/{id}/deposits`.
        case deposits
        /// New identities: `POST /api/auth/signup`, `POST /api/auth/guest`.
        case signups
        /// `POST /api/auth/login`, `POST /api/auth/refresh`.
        case logins
        /// New identities from one address, over an hour: guests minted by anonymous holds and joins, `POST /api/auth/guest`,
        /// `POST /api/auth/signup`. Its rate is the address's own, and its bucket holds an hour's worth.
        case guests
        /// Joining a waiting room: `POST /api/events/{id}/queue`.
        case joins
    }

    /// Requests per second for one identity, by action; a missing action is not limited.
    public var perIdentity: [Action: Double]
    /// How many times an identity's rate one address may make.
    public static let addressFactor = 10.0

    /// The defaults: what a person buying tickets never reaches.
    public static let standard = RateLimits(perIdentity: [.holds: 20, .payments: 5, .deposits: 5, .signups: 0.5, .logins: 0.5, .guests: 600.0 / 3_600, .joins: 2])
    /// No limits (`--rate-limit off`).
    public static let off = RateLimits(perIdentity: [:])

    /// Creates limits.
    public init(perIdentity: [Action: Double]) {
        self.perIdentity = perIdentity
    }

    /// Reads `off`, `default`, or comma-separated `ACTION=N/s`, `ACTION=N/min` or `ACTION=N/h` (`holds=20/s,guests=600/h`)
    /// over the defaults; `ACTION=off` lifts one.
    public init(parsing text: String) throws {
        self = .standard
        let spec = text.trimmingCharacters(in: .whitespaces)
        if spec == "off" {
            self = .off
            return
        }
        if spec == "default" { return }
        for part in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pieces.count == 2, let action = Action(rawValue: pieces[0]) else { throw InvalidRateLimit(text: part) }
            if pieces[1] == "off" {
                perIdentity[action] = nil
                continue
            }
            let rate = pieces[1].split(separator: "/", maxSplits: 1).map(String.init)
            guard rate.count == 2, let count = Double(rate[0]), count > 0, count.isFinite else { throw InvalidRateLimit(text: part) }
            switch rate[1] {
            case "s": perIdentity[action] = count
            case "min": perIdentity[action] = count / 60
            case "h": perIdentity[action] = count / 3_600
            default: throw InvalidRateLimit(text: part)
            }
        }
    }
}

/// A `--rate-limit` that does not read.
public struct InvalidRateLimit: Error, CustomStringConvertible {
    /// The part that does not read.
    public let text: String
    public var description: String {
        "rate limit '\(text)' does not read: use off, or ACTION=N/s, ACTION=N/min or ACTION=N/h with ACTION one of "
            + RateLimits.Action.allCases.map(\.rawValue).joined(separator: ", ")
    }
}
