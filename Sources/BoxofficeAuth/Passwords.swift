import BoxofficeDomain
import HummingbirdBcrypt

/// Password rules and hashing (bcrypt).
///
/// Cost 11: about 0.1 s a hash on this project's two-core machine, enough to make guessing slow and little enough
/// for a login; each doubling of attackers' hardware is one more step of cost. bcrypt reads at most 72 bytes of a
/// password, so longer ones are refused rather than silently cut.
public enum Passwords {
    /// bcrypt's work factor.
    public static let cost: UInt8 = 11
    /// The shortest and longest passwords, in bytes of UTF-8.
    public static let length = 8 ... 72

    /// Refuses a password that breaks the rules.
    public static func check(_ password: String) throws(DomainError) {
        guard length.contains(password.utf8.count) else {
            throw .invalid("A password has \(length.lowerBound) to \(length.upperBound) bytes; this one has \(password.utf8.count).")
        }
    }

    /// The hash to store.
    public static func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether a password matches a stored hash. Without a hash (no such account) it still spends a hash's time,
    /// so a login answers an unknown email as slowly as a wrong password.
    public static func verify(_ password: String, hash: String?) -> Bool {
        guard let hash else {
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A hash nobody's password matches, to spend the same time on an unknown email.
    private static let decoy = Bcrypt.hash("no account has this password", cost: cost)
}
