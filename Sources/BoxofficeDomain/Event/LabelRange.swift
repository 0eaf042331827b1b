import Foundation

/// Parses the compact range notation of seat maps: `"A-T"`, `"1-30"`, `"1-10,12-20"`, `"A,C,E"`.
///
/// Every expansion stops at ``SeatMapSpec/maxSeats`` items, so no text can ask for more memory than a legal
/// seat map needs.
public enum LabelRange {
    /// Row labels: comma-separated single labels or ranges of single letters of one case (`A-T`) or of
    /// numbers (`1-12`).
    public static func labels(_ text: String, field: String) throws(DomainError) -> [String] {
        var labels: [String] = []
        for part in try parts(of: text, field: field) {
            let bounds = try self.bounds(of: part, field: field)
            if bounds.count == 1 {
                labels.append(try TextRules.required(bounds[0], field: field))
            } else if let low = Int(bounds[0]), let high = Int(bounds[1]) {
                try checkRange(low, high, part: part, field: field, alreadyHave: labels.count)
                labels += (low ... high).map(String.init)
            } else if let low = singleLetter(bounds[0]), let high = singleLetter(bounds[1]), low.properties.isUppercase == high.properties.isUppercase, low <= high {
                labels += (low.value ... high.value).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
            } else {
                throw .invalid("\(field) range \"\(part)\" must join two letters of one case (A-T) or two numbers (1-12) in ascending order.")
            }
            try checkCount(labels.count, field: field)
        }
        return labels
    }

    /// Seat numbers: comma-separated numbers or ascending ranges (`1-10,12-20`).
    public static func numbers(_ text: String, field: String) throws(DomainError) -> [Int] {
        var numbers: [Int] = []
        for part in try parts(of: text, field: field) {
            let bounds = try self.bounds(of: part, field: field).map { Int($0) }
            guard let low = bounds[0], let high = bounds.count == 2 ? bounds[1] : low else {
                throw .invalid("\(field) \"\(part)\" must be a number or a range of numbers such as 1-30.")
            }
            try checkRange(low, high, part: part, field: field, alreadyHave: numbers.count)
            numbers += low ... high
            try checkCount(numbers.count, field: field)
        }
        return numbers
    }

    private static func parts(of text: String, field: String) throws(DomainError) -> [String] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .invalid("\(field) \"\(text)\" is empty; write it like A-T or 1-30.")
        }
        return parts
    }

    private static func bounds(of part: String, field: String) throws(DomainError) -> [String] {
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard bounds.count <= 2 else { throw .invalid("\(field) range \"\(part)\" has more than one dash.") }
        return bounds
    }

    private static func checkRange(_ low: Int, _ high: Int, part: String, field: String, alreadyHave count: Int) throws(DomainError) {
        guard low >= 0, low <= high else { throw .invalid("\(field) range \"\(part)\" must be ascending and non-negative.") }
        guard high - low < SeatMapSpec.maxSeats - count else { throw .invalid("\(field) names more than \(SeatMapSpec.maxSeats) items.") }
    }

    private static func checkCount(_ count: Int, field: String) throws(DomainError) {
        guard count <= SeatMapSpec.maxSeats else { throw .invalid("\(field) names more than \(SeatMapSpec.maxSeats) items.") }
    }

    private static func singleLetter(_ text: String) -> Unicode.Scalar? {
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first,
              ("A" ... "Z").contains(scalar) || ("a" ... "z").contains(scalar) else { return nil }
        return scalar
    }
}
