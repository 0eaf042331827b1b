extension QRCode {
    /// The standard's penalty of the symbol as masked (§7.8.3): runs of five or more modules of one colour, 2 × 2
    /// blocks of one colour, patterns that look like a finder, and dark modules far from half. The mask with the lowest
    /// is the one to use.
    var penalty: Int {
        var result = 0
        var lines: [[Bool]] = []
        for y in 0 ..< size { lines.append((0 ..< size).map { self[$0, y] }) }
        for x in 0 ..< size { lines.append((0 ..< size).map { self[x, $0] }) }
        let finderLike: [[Bool]] = [
            [true, false, true, true, true, false, true, false, false, false, false],
            [false, false, false, false, true, false, true, true, true, false, true],
        ]
        for line in lines {
            var run = 1
            for index in 1 ... line.count {
                if index < line.count, line[index] == line[index - 1] {
                    run += 1
                    continue
                }
                if run >= 5 { result += 3 + run - 5 }
                run = 1
            }
            // Outside the symbol is the light quiet zone.
            let padded = [Bool](repeating: false, count: 4) + line + [Bool](repeating: false, count: 4)
            for start in 0 ... padded.count - 11 where finderLike.contains(where: { $0.elementsEqual(padded[start ..< start + 11]) }) {
                result += 40
            }
        }
        for y in 0 ..< size - 1 {
            for x in 0 ..< size - 1 {
                let colour = self[x, y]
                if self[x + 1, y] == colour, self[x, y + 1] == colour, self[x + 1, y + 1] == colour { result += 3 }
            }
        }
        let dark = modules.filter { $0 }.count
        let total = size * size
        result += ((abs(dark * 20 - total * 10) + total - 1) / total - 1) * 10
        return result
    }
}
