#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many connections the process's open-file limit leaves room for, so that the connection cap is reached
/// before the descriptors run out: past the cap a connection is accepted and closed at once, and the databases,
/// the broker and the files keep the descriptors they need.
enum DescriptorBudget {
    /// Descriptors kept for everything but client connections: database pools, broker connections, files, the
    /// listening socket, and room to accept a connection only to close it.
    static func reserved(databasePoolSize: Int) -> Int { 2 * databasePoolSize + 128 }

    /// The most connections the open-file limit allows; nil when it does not bind (unlimited or unknown).
    static func connections(databasePoolSize: Int) -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        let soft = Int(clamping: limit.rlim_cur)
        return max(16, soft - reserved(databasePoolSize: databasePoolSize))
    }
}
