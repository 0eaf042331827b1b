/// The epoch a seat map's versions are counted in: the process's, and, once an organizer changed the map, its version
/// (`"k3x9.2"`). A watcher holding a map of another epoch reads the map again rather than apply changes to it.
enum SeatMapEpoch {
    /// The epoch of a process's seat map at a layout version.
    static func of(_ processEpoch: String, layoutVersion: Int) -> String {
        layoutVersion == 0 ? processEpoch : "\(processEpoch).\(layoutVersion)"
    }
}
