/// A QR code symbol (ISO/IEC 18004), encoded in byte mode: the smallest version that holds the bytes at the level
/// asked for, and the mask with the lowest penalty (§7.8.3) unless one is asked for.
public struct QRCode: Sendable, Equatable {
    /// The version, 1 … 40: the symbol is `17 + 4 × version` modules wide.
    public private(set) var version: Int
    /// The error-correction level.
    public private(set) var errorCorrection: ErrorCorrection
    /// The mask pattern applied, 0 … 7.
    public private(set) var mask: Int
    /// Modules per side.
    public var size: Int { version * 4 + 17 }
    /// The modules row by row, true for dark.
    public private(set) var modules: [Bool]
    private var isFunction: [Bool]

    /// Why bytes cannot be encoded.
    public enum EncodingError: Error, Equatable {
        /// More bytes than version 40 holds at the level.
        case tooLong(bytes: Int, capacity: Int)
    }

    /// Whether the module at a column and row is dark.
    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes bytes.
    /// - Parameters:
    ///   - mask: the mask to apply; nil chooses the one with the lowest penalty.
    /// - Throws: ``EncodingError/tooLong(bytes:capacity:)``.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium, mask: Int? = nil) throws(EncodingError) {
        guard let version = (1 ... 40).first(where: { Self.dataCapacityBits(version: $0, errorCorrection) >= Self.dataBits(bytes.count, version: $0) }) else {
            throw .tooLong(bytes: bytes.count, capacity: (Self.dataCapacityBits(version: 40, errorCorrection) - 20) / 8)
        }
        self.version = version
        self.errorCorrection = errorCorrection
        let size = version * 4 + 17
        modules = [Bool](repeating: false, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        self.mask = 0
        drawFunctionPatterns()
        drawCodewords(Self.codewords(bytes, version: version, errorCorrection))
        if let mask {
            self = masked(mask)
        } else {
            let candidates = (0 ..< 8).map { masked($0) }
            self = candidates.min { $0.penalty < $1.penalty } ?? candidates[0]
        }
    }

    /// The symbol as a string of `1` (dark) and `0`, one line per row: for tests and debugging.
    public var text: String {
        (0 ..< size).map { y in String((0 ..< size).map { self[$0, y] ? "1" : "0" }) }.joined(separator: "\n")
    }

    // MARK: Data

    /// The most bytes a version holds at a level.
    public static func capacity(version: Int, _ level: ErrorCorrection) -> Int {
        (dataCapacityBits(version: version, level) - 4 - (version < 10 ? 8 : 16)) / 8
    }

    private static func dataBits(_ count: Int, version: Int) -> Int {
        4 + (version < 10 ? 8 : 16) + count * 8
    }

    /// The modules left for data and error correction (§7.1 minus the function patterns).
    private static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignments = version / 7 + 2
            result -= (25 * alignments - 10) * alignments - 55
            if version >= 7 { result -= 36 }
        }
        return result
    }

    private static func dataCapacityBits(version: Int, _ level: ErrorCorrection) -> Int {
        (rawDataModules(version: version) / 8 - level.codewordsPerBlock(version: version) * level.blocks(version: version)) * 8
    }

    /// The data codewords (mode, count, bytes, terminator, padding) split into blocks, each with its error correction,
    /// interleaved (§7.4, §7.6).
    private static func codewords(_ bytes: [UInt8], version: Int, _ level: ErrorCorrection) -> [UInt8] {
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) {
            for shift in (0 ..< count).reversed() { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, 4)
        append(bytes.count, version < 10 ? 8 : 16)
        for byte in bytes { append(Int(byte), 8) }
        let capacity = dataCapacityBits(version: version, level)
        append(0, min(4, capacity - bits.count))
        append(0, (8 - bits.count % 8) % 8)
        var padding = 0xEC
        while bits.count < capacity {
            append(padding, 8)
            padding ^= 0xEC ^ 0x11
        }
        let data = stride(from: 0, to: bits.count, by: 8).map { start in bits[start ..< start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) } }

        let blocks = level.blocks(version: version)
        let eccLength = level.codewordsPerBlock(version: version)
        let raw = rawDataModules(version: version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = ReedSolomon.divisor(degree: eccLength)
        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for block in 0 ..< blocks {
            let length = shortLength - eccLength + (block < shortBlocks ? 0 : 1)
            let part = Array(data[start ..< start + length])
            start += length
            dataBlocks.append(part)
            eccBlocks.append(ReedSolomon.remainder(of: part, divisor: divisor))
        }
        var result: [UInt8] = []
        for index in 0 ... shortLength - eccLength {
            for block in dataBlocks where index < block.count { result.append(block[index]) }
        }
        for index in 0 ..< eccLength {
            for block in eccBlocks { result.append(block[index]) }
        }
        return result
    }

    // MARK: Function patterns

    private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    private mutating func drawFunctionPatterns() {
        for index in 0 ..< size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        let positions = Self.alignmentPositions(version: version)
        for (i, y) in positions.enumerated() {
            for (j, x) in positions.enumerated() {
                let nearFinder = i == 0 && j == 0 || i == 0 && j == positions.count - 1 || i == positions.count - 1 && j == 0
                if !nearFinder { drawAlignment(x, y) }
            }
        }
        drawFormat(0)
        drawVersion()
    }

    private mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4 ... 4 {
            for dx in -4 ... 4 {
                let x = cx + dx
                let y = cy + dy
                guard (0 ..< size).contains(x), (0 ..< size).contains(y) else { continue }
                let distance = max(abs(dx), abs(dy))
                set(x, y, distance != 2 && distance != 4)
            }
        }
    }

    private mutating func drawAlignment(_ cx: Int, _ cy: Int) {
        for dy in -2 ... 2 {
            for dx in -2 ... 2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
        }
    }

    /// The centres of the alignment patterns along each axis (§6.3.6, Annex E).
    static func alignmentPositions(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var positions = [6]
        let size = version * 4 + 17
        for index in 0 ..< count - 1 { positions.insert(size - 7 - index * step, at: 1) }
        return positions
    }

    /// The format information: the level and the mask, BCH-coded and masked (§7.9).
    private mutating func drawFormat(_ mask: Int) {
        let data = errorCorrection.formatBits << 3 | mask
        var remainder = data
        for _ in 0 ..< 10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        let bits = (data << 10 | remainder) ^ 0x5412
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        for index in 0 ... 5 { set(8, index, bit(index)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for index in 9 ..< 15 { set(14 - index, 8, bit(index)) }
        for index in 0 ..< 8 { set(size - 1 - index, 8, bit(index)) }
        for index in 8 ..< 15 { set(8, size - 15 + index, bit(index)) }
        set(8, size - 8, true)
    }

    /// The version information of versions 7 and up (§7.10).
    private mutating func drawVersion() {
        guard version >= 7 else { return }
        var remainder = version
        for _ in 0 ..< 12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        let bits = version << 12 | remainder
        for index in 0 ..< 18 {
            let dark = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3
            let b = index / 3
            set(a, b, dark)
            set(b, a, dark)
        }
    }

    // MARK: Codewords and masks

    /// Places the codewords in the zigzag of two-module columns, right to left, skipping the timing column (§7.7.3).
    private mutating func drawCodewords(_ codewords: [UInt8]) {
        var bit = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vertical in 0 ..< size {
                for column in 0 ..< 2 {
                    let x = right - column
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vertical : vertical
                    guard !isFunction[y * size + x], bit < codewords.count * 8 else { continue }
                    modules[y * size + x] = (codewords[bit >> 3] >> (7 - UInt8(bit & 7))) & 1 == 1
                    bit += 1
                }
            }
            right -= 2
        }
    }

    /// This symbol with a mask applied to its data modules and named in its format information.
    private func masked(_ mask: Int) -> QRCode {
        var copy = self
        for y in 0 ..< size {
            for x in 0 ..< size where !isFunction[y * size + x] && Self.inverts(mask, x, y) {
                copy.modules[y * size + x].toggle()
            }
        }
        copy.drawFormat(mask)
        copy.mask = mask
        return copy
    }

    /// Whether a mask pattern inverts a module (§7.8.2, Table 10).
    static func inverts(_ mask: Int, _ x: Int, _ y: Int) -> Bool {
        switch mask {
        case 0: (x + y) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (x + y) % 3 == 0
        case 4: (x / 3 + y / 2) % 2 == 0
        case 5: x * y % 2 + x * y % 3 == 0
        case 6: (x * y % 2 + x * y % 3) % 2 == 0
        default: ((x + y) % 2 + x * y % 3) % 2 == 0
        }
    }

    public static func == (lhs: QRCode, rhs: QRCode) -> Bool {
        lhs.version == rhs.version && lhs.errorCorrection == rhs.errorCorrection && lhs.mask == rhs.mask && lhs.modules == rhs.modules
    }
}
