import BoxofficeDomain
import Foundation
import SQLiteNIO

/// Reads `token_revocations` rows (`kind, subject, until`), in both services' databases.
enum SQLiteRevocationRows {
    /// The revocation of a row; nil for a kind this build does not know.
    static func revocation(_ row: SQLiteRow) -> TokenRevocation? {
        guard let kind = row.column("kind")?.string.flatMap(TokenRevocation.Kind.init(rawValue:)),
            let subject = row.column("subject")?.string.flatMap(UUID.init(uuidString:))
        else { return nil }
        return TokenRevocation(kind: kind, subject: subject, until: ColumnCoding.date(row.column("until")))
    }
}
