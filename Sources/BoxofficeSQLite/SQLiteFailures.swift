import BoxofficeMessaging
import SQLiteNIO

/// Tells SQLite failures that say nothing about the work from those that do, for ``DeadLetterPolicy``.
public enum SQLiteFailures {
    /// Whether retrying the same work later can succeed: the file busy or locked by another connection, the
    /// disk full, or an I/O error.
    public static func isTransient(_ error: any Error) -> Bool {
        if error is any TransientFailure { return true }
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .busy, .locked, .full, .ioError, .busyInRecovery, .busyInSnapshot, .busyTimeout:
            return true
        default:
            return false
        }
    }
}
