import Foundation

/// Why an image could not be decoded. `source` is the file path or name the caller gave, or
/// "image data" when none was given.
public enum ImageDecodeError: LocalizedError, Equatable, Sendable {
    case unreadableFile(path: String, reason: String)
    case empty(source: String)
    /// Neither PNG nor JPEG; `recognisedAs` names the format when its magic number is known.
    case unsupportedFormat(source: String, leadingBytes: [UInt8], recognisedAs: String?)
    case truncated(source: String, format: ImageFormat, detail: String)
    case corrupt(source: String, format: ImageFormat, detail: String)
    /// A valid file using a feature this decoder lacks (12-bit or arithmetic-coded JPEG, ...).
    case unsupportedFeature(source: String, format: ImageFormat, detail: String)
    case tooLarge(source: String, format: ImageFormat, width: Int, height: Int, maxPixels: Int)
    case tooManyScans(source: String, maxScans: Int)
    case outOfMemory(source: String, format: ImageFormat, detail: String)
    case destinationTooSmall(source: String, required: Int, available: Int)
    /// `decode(_:as:into:)` was given an `ImageInfo` that does not describe these bytes.
    case probeMismatch(source: String, probed: String, found: String)
    case invalidLimits(String)

    public var errorDescription: String? {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the image file: \(reason)"
        case let .empty(source):
            return "\(source): the image file is empty"
        case let .unsupportedFormat(source, leadingBytes, recognisedAs):
            let hex = leadingBytes.map { String(format: "%02x", $0) }.joined(separator: " ")
            let what = recognisedAs.map { "it looks like \($0)" } ?? "its first bytes are [\(hex)]"
            return "\(source): not a PNG or JPEG image (\(what)); convert it to PNG or JPEG first"
        case let .truncated(source, format, detail):
            return "\(source): truncated \(format) data (\(detail)); the file was probably cut short "
                + "while copying or downloading — fetch it again"
        case let .corrupt(source, format, detail):
            return "\(source): corrupt \(format) data: \(detail)"
        case let .unsupportedFeature(source, format, detail):
            return "\(source): this \(format) file uses a feature that is not supported: \(detail); "
                + "re-encode it as 8-bit baseline \(format)"
        case let .tooLarge(source, format, width, height, maxPixels):
            return "\(source): the \(format) image is \(width) x \(height) = \(width.multipliedReportingOverflow(by: height).partialValue) "
                + "pixels, above the limit of \(maxPixels) pixels; if the file is trusted, raise "
                + "ImageLimits.maxPixels"
        case let .tooManyScans(source, maxScans):
            return "\(source): the progressive JPEG has more than \(maxScans) scans (a decompression bomb, or "
                + "an unusual encoder); if the file is trusted, raise ImageLimits.maxProgressiveScans"
        case let .outOfMemory(source, format, detail):
            return "\(source): out of memory while decoding \(format) data: \(detail)"
        case let .destinationTooSmall(source, required, available):
            return "\(source): the destination buffer holds \(available) bytes but the image needs \(required)"
        case let .probeMismatch(source, probed, found):
            return "\(source): the image is \(found) but the ImageInfo passed to decode says \(probed); "
                + "probe these same bytes with the same target size before decoding"
        case let .invalidLimits(problem):
            return "invalid image limits: \(problem)"
        }
    }
}
