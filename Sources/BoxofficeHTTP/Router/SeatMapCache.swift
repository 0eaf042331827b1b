import BoxofficeEngine
import BoxofficeDomain
import Foundation
import HTTPTypes
import NIOCore
import Synchronization

/// The rendered seat map of each event, rendered once per inventory version and shared by every reader.
final class SeatMapCache: Sendable {
    private struct Entry {
        let version: UInt64
        let body: ByteBuffer
    }

    private let entries = Mutex<[EventID: Entry]>([:])
    /// Distinguishes this process's versions from another process's, in ETags and bodies.
    let epoch: String

    init(epoch: String) {
        self.epoch = epoch
    }

    /// The ETag of a snapshot.
    func etag(of snapshot: InventorySnapshot) -> String {
        "\"\(epoch)-\(snapshot.event.id)-\(snapshot.version)\""
    }

    /// The headers of a seat map answer, and all of a `304`'s: the version's ETag, and revalidate before reuse.
    static func revalidationHeaders(etag: String) -> HTTPFields {
        [.eTag: etag, .cacheControl: "no-cache"]
    }

    /// Whether an `If-None-Match` header names an ETag (it may list several, comma-separated, or be `*`).
    /// The comparison is weak, as RFC 9110 asks of `If-None-Match`: `W/"x"` matches `"x"`. A gateway that
    /// compresses the map (nginx with gzip) hands the client the ETag weakened.
    static func matches(_ ifNoneMatch: String?, etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { listed in
            var tag = listed.trimmingCharacters(in: .whitespaces)
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag || tag == "*"
        }
    }

    /// The JSON body of a snapshot, rendered now only if no reader rendered this version before.
    func body(of snapshot: InventorySnapshot) throws -> ByteBuffer {
        let id = snapshot.event.id
        if let entry = entries.withLock({ $0[id] }), entry.version == snapshot.version { return entry.body }
        let body = ByteBuffer(bytes: try APICoding.makeEncoder().encode(SeatMapBody(snapshot, epoch: epoch)))
        entries.withLock { entries in
            if (entries[id]?.version ?? 0) <= snapshot.version { entries[id] = Entry(version: snapshot.version, body: body) }
        }
        return body
    }
}
