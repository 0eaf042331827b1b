/// How much of a QR code may be damaged and still read (ISO/IEC 18004 §7.5.1): level M restores about 15 % of the
/// codewords, level Q about 25 %.
public enum ErrorCorrection: Sendable, CaseIterable {
    /// About 15 %.
    case medium
    /// About 25 %.
    case quartile

    /// The two bits the format information names the level with (§7.9.1, Table 12).
    var formatBits: Int {
        switch self {
        case .medium: 0b00
        case .quartile: 0b11
        }
    }

    /// Error-correction codewords per block, by version (§7.5.1, Table 9).
    func codewordsPerBlock(version: Int) -> Int {
        switch self {
        case .medium: Self.mediumCodewords[version]
        case .quartile: Self.quartileCodewords[version]
        }
    }

    /// Error-correction blocks, by version (§7.5.1, Table 9).
    func blocks(version: Int) -> Int {
        switch self {
        case .medium: Self.mediumBlocks[version]
        case .quartile: Self.quartileBlocks[version]
        }
    }

    private static let mediumCodewords = [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ]
    private static let quartileCodewords = [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
        28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ]
    private static let mediumBlocks = [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ]
    private static let quartileBlocks = [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
        23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ]
}
