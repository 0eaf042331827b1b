import Foundation
import Logging

/// The folder of the databases and the secrets.
enum DataDirectory {
    /// Creates the folder, its owner's alone (0700), when it does not exist yet. A folder that exists keeps its
    /// mode — it may be shared on purpose — and a warning says when others can read it (the secrets in it are
    /// 0600 files all the same).
    static func prepare(_ directory: URL, logger: Logger) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            let mode = (try? files.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int) ?? 0
            if mode & 0o077 != 0 {
                logger.warning("the data directory \(directory.path) can be read by others (mode \(String(mode, radix: 8))); the databases in it are not private")
            }
            return
        }
        try files.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
