import BoxofficeMessaging
import PostgresNIO

/// Tells PostgreSQL failures that say nothing about the work (the server unreachable, restarting, overloaded)
/// from those that do, for ``DeadLetterPolicy``.
public enum PostgresFailures {
    /// Whether retrying the same work later can succeed: no answer within the deadline, a connection lost or
    /// refused, or a server error of class 08 (connection), 53 (insufficient resources), 57P (shutting down or
    /// starting), a serialization failure or a deadlock.
    public static func isTransient(_ error: any Error) -> Bool {
        if error is any TransientFailure { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .clientClosedConnection, .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed, .queryCancelled:
            return true
        case .server:
            guard let state = error.serverInfo?[.sqlState] else { return false }
            return state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") || state == "40001" || state == "40P01"
        default:
            return false
        }
    }
}
