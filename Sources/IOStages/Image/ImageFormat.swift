/// The encoded image formats `ImageDecoder` reads.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case png
    case jpeg

    public var description: String { self == .png ? "PNG" : "JPEG" }

    /// Recognises a format from its first bytes (file extensions lie; magic numbers do not).
    static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat? {
        if bytes.starts(with: pngSignature) { return .png }
        if bytes.starts(with: jpegStartOfImage) { return .jpeg }
        return nil
    }

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    /// SOI followed by the first byte of the next marker.
    static let jpegStartOfImage: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// Names a few formats that are recognisable but not decoded, so the error can say what the file is.
    static func nameOfUnsupportedFormat(_ bytes: UnsafeRawBufferPointer) -> String? {
        func has(_ text: String, at offset: Int = 0) -> Bool {
            let magic = Array(text.utf8)
            return bytes.count >= offset + magic.count && bytes[offset..<offset + magic.count].elementsEqual(magic)
        }
        if has("GIF87a") || has("GIF89a") { return "GIF" }
        if has("RIFF") && has("WEBP", at: 8) { return "WebP" }
        if has("BM") { return "BMP" }
        if has("II*\u{0}") || has("MM\u{0}*") { return "TIFF" }
        if has("ftyp", at: 4) { return "HEIF/AVIF (ISO media)" }
        if has("qoif") { return "QOI" }
        return nil
    }
}
