import Foundation
import Hummingbird
import NIOCore

/// The JSON conventions of the API: snake_case members, ISO 8601 times, integer minor units for money.
public enum APICoding {
    /// Whether a `Content-Type` names JSON: `application/json` in any case, with parameters or without. Read byte
    /// by byte: the event loop's fast path asks it of every hold.
    static func isJSON(_ contentType: String?) -> Bool {
        guard var bytes = contentType?.utf8[...] else { return false }
        while bytes.first == UInt8(ascii: " ") { bytes = bytes.dropFirst() }
        let media = "application/json".utf8
        guard ASCIICase.hasPrefix(bytes, media) else { return false }
        let rest = bytes.dropFirst(media.count).drop { $0 == UInt8(ascii: " ") }
        return rest.isEmpty || rest.first == UInt8(ascii: ";")
    }

    /// The encoder every response uses.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder every request body uses.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension Request {
    /// Reads and decodes a JSON body, turning every failure into a clear problem.
    /// - Parameters:
    ///   - limit: the largest body accepted, in bytes.
    ///   - fast: reads the common shape of the body without `JSONDecoder`; nil hands the body to the decoder.
    /// - Throws: ``Problem`` 415 when it is not sent as `application/json`, 413 when the body is too large, 400 when it
    ///   is empty, malformed or mistyped.
    func decodeJSON<Value: Decodable>(_ type: Value.Type, limit: Int, fast: (ByteBuffer) -> Value? = { _ in nil }) async throws -> Value {
        guard APICoding.isJSON(headers[.contentType]) else {
            throw Problem(
                .unsupportedMediaType, type: "unsupported-media-type", detail: "Send the body as JSON, with Content-Type: application/json."
            )
        }
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else { throw Problem.malformed("The request body is empty; send a JSON object.") }
        if let value = fast(buffer) { return value }
        do {
            return try APICoding.makeDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.malformed(DecodingErrorText.describe(error))
        }
    }

    /// Reads and decodes a JSON body a request may leave out: nil for an empty body.
    /// - Throws: as ``decodeJSON(_:limit:fast:)`` for a body that is there.
    func decodeOptionalJSON<Value: Decodable>(_ type: Value.Type, limit: Int) async throws -> Value? {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
        guard buffer.readableBytes > 0 else { return nil }
        guard APICoding.isJSON(headers[.contentType]) else {
            throw Problem(
                .unsupportedMediaType, type: "unsupported-media-type", detail: "Send the body as JSON, with Content-Type: application/json."
            )
        }
        do {
            return try APICoding.makeDecoder().decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.malformed(DecodingErrorText.describe(error))
        }
    }
}
