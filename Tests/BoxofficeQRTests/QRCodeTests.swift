@testable import BoxofficeQR
import BoxofficeTestSupport
import Foundation
import Testing

/// Every symbol is read back by an independent decoder, `zbarimg` (Debian's zbar-tools, installed by scripts/test).
@Suite("QR codes, read back by zbarimg")
struct QRCodeTests {
    /// Printable ASCII, so the decoder's guess at a character set cannot change what it prints.
    static func payload(_ count: Int, seed: Int) -> String {
        var state = UInt64(truncatingIfNeeded: seed) &* 6_364_136_223_846_793_005 &+ 1
        return String((0 ..< count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Character(UnicodeScalar(UInt8(33 + (state >> 33) % 94)))
        })
    }

    @Test("the standard's byte capacities: 14 and 11 bytes at version 1, 2,331 and 1,663 at version 40 (M, Q)")
    func capacities() throws {
        #expect(QRCode.capacity(version: 1, .medium) == 14 && QRCode.capacity(version: 1, .quartile) == 11)
        #expect(QRCode.capacity(version: 10, .medium) == 213 && QRCode.capacity(version: 10, .quartile) == 151)
        #expect(try QRCode(bytes: [UInt8](repeating: 65, count: 15), errorCorrection: .medium).version == 2, "one byte more: the next version")
        #expect(try QRCode(bytes: [UInt8](repeating: 65, count: 2_331), errorCorrection: .medium).version == 40)
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 2_332, capacity: 2_331)) {
            try QRCode(bytes: [UInt8](repeating: 65, count: 2_332), errorCorrection: .medium)
        }
        #expect(try QRCode(bytes: [UInt8](repeating: 65, count: 1_663), errorCorrection: .quartile).version == 40)
    }

    @Test("full symbols of versions 1 to 40 at levels M and Q decode to their bytes", arguments: [1, 2, 3, 4, 5, 6, 7, 9, 10, 13, 16, 20, 24, 27, 32, 36, 40])
    func versions(version: Int) throws {
        for level in ErrorCorrection.allCases {
            let text = Self.payload(QRCode.capacity(version: version, level), seed: version)
            let code = try QRCode(bytes: Array(text.utf8), errorCorrection: level)
            #expect(code.version == version)
            #expect(try ZBar.read(png: code.png(scale: version > 20 ? 3 : 5)) == text, "version \(version), \(level)")
        }
    }

    @Test("every mask decodes, and the chosen one has the lowest penalty", arguments: 0 ..< 8)
    func masks(mask: Int) throws {
        let text = Self.payload(120, seed: 77)
        let code = try QRCode(bytes: Array(text.utf8), mask: mask)
        #expect(code.mask == mask)
        #expect(try ZBar.read(png: code.png()) == text)
        let chosen = try QRCode(bytes: Array(text.utf8))
        #expect(chosen.penalty <= code.penalty)
    }

    @Test("short payloads of every length up to 40 bytes decode")
    func shortPayloads() throws {
        for count in 1 ... 40 {
            let text = Self.payload(count, seed: count)
            #expect(try ZBar.read(png: QRCode(bytes: Array(text.utf8), errorCorrection: .quartile).png()) == text, "\(count) bytes")
        }
    }

    @Test("the SVG draws the same modules, with a quiet zone")
    func svg() throws {
        let code = try QRCode(bytes: Array("https://boxoffice.example/t/1".utf8))
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg") && svg.contains("viewBox=\"0 0 \(code.size + 8) \(code.size + 8)\""))
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == code.modules.filter { $0 }.count)
        #expect(svg.contains("M4,4h1v1h-1z"), "the finder's corner at the quiet zone's edge")
    }

    @Test("the alignment patterns sit where the standard's table puts them")
    func alignment() {
        #expect(QRCode.alignmentPositions(version: 1) == [])
        #expect(QRCode.alignmentPositions(version: 2) == [6, 18])
        #expect(QRCode.alignmentPositions(version: 7) == [6, 22, 38])
        #expect(QRCode.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRCode.alignmentPositions(version: 40) == [6, 30, 58, 86, 114, 142, 170])
    }
}
