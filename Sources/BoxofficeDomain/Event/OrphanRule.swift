/// What an event does about single seats left alone between taken seats or at a row's end ("orphans"), which
/// nobody buys.
public enum OrphanRule: String, Sendable, Hashable, CaseIterable {
    /// Best available never strands a seat when a choice that strands none exists; picked seats are the buyer's
    /// choice. The default.
    case avoid
    /// As ``avoid``, and a pick that would strand a seat is refused, naming it.
    case refuse
    /// Best available ignores orphans (the closest seats win); picks are free.
    case off
}
