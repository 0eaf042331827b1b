import Foundation

/// Parses the compact range notation of seat maps: `"A-T"`, `"1-30"`, `"1-10,12-20"`, `"A,C,E"`.
public enum LabelRange {
    /// Row labels: comma-separated single labels or ranges of single letters (`A-T`) or of numbers (`1-12`).
    public static func labels(_ text: String, field: String) throws(DomainError) -> [String] {
        var labels: [String] = []
        for part in try parts(of: text, field: field) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            switch bounds.count {
            case 1:
                labels.append(try TextRules.required(bounds[0], field: field))
            case 2:
                if let low = Int(bounds[0]), let high = Int(bounds[1]) {
                    labels += try numericRange(low, high, part: part, field: field).map(String.init)
                } else if let low = singleLetter(bounds[0]), let high = singleLetter(bounds[1]), low <= high {
                    labels += (low ... high).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
                } else {
                    throw .invalid("\(field) range \"\(part)\" must join two letters (A-T) or two numbers (1-12) in ascending order.")
                }
            default:
                throw .invalid("\(field) range \"\(part)\" has more than one dash.")
            }
        }
        return labels
    }

    /// Seat numbers: comma-separated numbers or ascending ranges (`1-10,12-20`).
    public static func numbers(_ text: String, field: String) throws(DomainError) -> [Int] {
        var numbers: [Int] = []
        for part in try parts(of: text, field: field) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
                Int($0.trimmingCharacters(in: .whitespaces))
            }
            switch bounds.count {
            case 1 where bounds[0] != nil:
                numbers.append(bounds[0]!)
            case 2 where bounds[0] != nil && bounds[1] != nil:
                numbers += try numericRange(bounds[0]!, bounds[1]!, part: part, field: field)
            default:
                throw .invalid("\(field) \"\(part)\" must be a number or a range of numbers such as 1-30.")
            }
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

    private static func numericRange(_ low: Int, _ high: Int, part: String, field: String) throws(DomainError) -> ClosedRange<Int> {
        guard low >= 0, low <= high, high - low < SeatMapSpec.maxSeats else {
            throw .invalid("\(field) range \"\(part)\" must be ascending and non-negative.")
        }
        return low ... high
    }

    private static func singleLetter(_ text: String) -> UInt32? {
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first,
              ("A" ... "Z").contains(scalar) || ("a" ... "z").contains(scalar) else { return nil }
        return scalar.value
    }
}
