extension QRCode {
    /// The symbol as a PNG image: 8-bit greyscale, `scale` pixels per module, with a quiet zone of `border` modules.
    /// The image data is stored in deflate's uncompressed blocks: no compression library needed, and a ticket's code is
    /// a few kilobytes either way.
    public func png(scale: Int = 8, border: Int = 4) -> [UInt8] {
        let side = (size + border * 2) * scale
        var raw: [UInt8] = []
        raw.reserveCapacity((side + 1) * side)
        for pixelRow in 0 ..< side {
            raw.append(0)  // filter: none
            let y = pixelRow / scale - border
            for pixelColumn in 0 ..< side {
                let x = pixelColumn / scale - border
                let dark = (0 ..< size).contains(x) && (0 ..< size).contains(y) && self[x, y]
                raw.append(dark ? 0 : 255)
            }
        }
        var header: [UInt8] = []
        PNG.append(UInt32(side), to: &header)
        PNG.append(UInt32(side), to: &header)
        header += [8, 0, 0, 0, 0]  // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + PNG.chunk("IHDR", header) + PNG.chunk("IDAT", PNG.zlibStored(raw))
            + PNG.chunk("IEND", [])
    }
}

/// The few parts of PNG (RFC 2083) and zlib (RFC 1950, 1951) a QR code needs.
enum PNG {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        append(UInt32(data.count), to: &result)
        let body = Array(type.utf8) + data
        result += body
        append(crc32(body), to: &result)
        return result
    }

    /// Data in a zlib stream of uncompressed deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var result: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(65_535, data.count - start)
            let last = start + length == data.count
            result.append(last ? 1 : 0)
            result += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            result += data[start ..< start + length]
            start += length
        } while start < data.count
        append(adler32(data), to: &result)
        return result
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0 ..< 256).map { value in
        var crc = UInt32(value)
        for _ in 0 ..< 8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        return crc
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
