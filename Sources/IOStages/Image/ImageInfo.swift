/// What `ImageDecoder.probe` learns from a header: enough to size a destination buffer before
/// decoding into it.
public struct ImageInfo: Sendable, Equatable {
    public let format: ImageFormat
    /// Width of the decoded pixels: after DCT scaling and orientation.
    public let width: Int
    /// Height of the decoded pixels: after DCT scaling and orientation.
    public let height: Int
    /// Dimensions as stored in the file's header.
    public let storedWidth: Int
    public let storedHeight: Int
    /// EXIF orientation applied while decoding (always `.identity` for PNG).
    public let orientation: ImageOrientation
    /// JPEG DCT scaling 1/n, n in {1, 2, 4, 8}; always 1 for PNG.
    public let scaleDenominator: Int

    /// Decoded pixels are 8-bit RGB, interleaved.
    public static let channels = 3
    public var rowBytes: Int { width * Self.channels }
    /// Bytes `decode(_:as:into:)` writes: `width * height * 3`.
    public var byteCount: Int { rowBytes * height }

    /// Width and height before orientation (what the codec produces row by row).
    var scaledStoredWidth: Int { orientation.swapsAxes ? height : width }
    var scaledStoredHeight: Int { orientation.swapsAxes ? width : height }

    var sizeDescription: String {
        "\(format) \(width) x \(height) (stored \(storedWidth) x \(storedHeight), scale 1/\(scaleDenominator), "
            + "orientation \(orientation.rawValue))"
    }
}
