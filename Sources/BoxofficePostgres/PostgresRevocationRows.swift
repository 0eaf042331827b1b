import BoxofficeDomain
import Foundation
import Logging
import PostgresNIO

/// Reads `token_revocations` rows (`kind, subject, until`), in both services' schemas.
enum PostgresRevocationRows {
    /// The revocations a query selects; a row of a kind this build does not know is skipped.
    static func revocations(_ query: PostgresQuery, client: PostgresClient, logger: Logger) async throws -> [TokenRevocation] {
        var revocations: [TokenRevocation] = []
        for try await (kind, subject, until) in try await client.query(query, logger: logger).decode((String, UUID, Date).self) {
            guard let kind = TokenRevocation.Kind(rawValue: kind) else { continue }
            revocations.append(TokenRevocation(kind: kind, subject: subject, until: until))
        }
        return revocations
    }
}
