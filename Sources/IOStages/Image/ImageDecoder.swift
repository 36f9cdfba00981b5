import Foundation
import Logging

/// Decodes PNG and JPEG files to 8-bit RGB, interleaved, rows top to bottom.
///
/// Two steps let pixels land straight in a caller's buffer (a Vulkan staging buffer, say):
/// `probe` reads the header and says how many bytes the result needs, `decode(_:as:into:)` fills
/// them. The format comes from the magic bytes, never from a file name. JPEGs are turned upright
/// by their EXIF orientation and, given a `targetSize`, decoded at a reduced DCT scale.
///
/// Conversions: grey is replicated to RGB; palettes are expanded; 16-bit samples are scaled to 8
/// bits with rounding; alpha (including a palette's tRNS) is dropped, not composited, as Pillow's
/// `convert("RGB")` does; PNG gamma and ICC profiles are ignored (samples are passed through);
/// CMYK and YCCK JPEGs are converted with RGB = (1 - C)(1 - K), Adobe-marked files being inverted.
public struct ImageDecoder: Sendable {
    public var limits: ImageLimits
    private let logger: Logger

    public init(limits: ImageLimits = ImageLimits(), logger: Logger = Logger(label: "sluice.image-decoder")) {
        self.limits = limits
        self.logger = logger
    }

    /// Reads the header: format, and the size of the pixels `decode` will produce. `targetSize`
    /// is the shorter side the consumer needs; JPEGs may then decode at 1/2, 1/4 or 1/8 scale
    /// while keeping the shorter side >= `targetSize`. PNGs ignore it.
    public func probe(_ bytes: UnsafeRawBufferPointer, sourceName: String? = nil, targetSize: Int? = nil)
        throws(ImageDecodeError) -> ImageInfo
    {
        let source = Self.displayName(sourceName)
        if let problem = limits.problem { throw .invalidLimits(problem) }
        guard !bytes.isEmpty else { throw .empty(source: source) }
        let info: ImageInfo
        switch ImageFormat.sniff(bytes) {
        case .png:
            info = try PNGCodec.probe(bytes, limits: limits, source: source)
        case .jpeg:
            info = try JPEGCodec.probe(bytes, limits: limits, targetSize: targetSize, source: source)
        case nil:
            throw .unsupportedFormat(source: source, leadingBytes: Array(bytes.prefix(8)),
                                     recognisedAs: ImageFormat.nameOfUnsupportedFormat(bytes))
        }
        logger.trace("probed image", metadata: ["source": "\(source)", "info": "\(info.sizeDescription)"])
        return info
    }

    /// Decodes `bytes`, which `probe` described as `info`, into the first `info.byteCount` bytes of
    /// `destination`. Bytes beyond those are left untouched; on error the contents are unspecified.
    public func decode(_ bytes: UnsafeRawBufferPointer, as info: ImageInfo, into destination: UnsafeMutableRawBufferPointer,
                       sourceName: String? = nil) throws(ImageDecodeError)
    {
        let source = Self.displayName(sourceName)
        if let problem = limits.problem { throw .invalidLimits(problem) }
        guard destination.count >= info.byteCount else {
            throw .destinationTooSmall(source: source, required: info.byteCount, available: destination.count)
        }
        guard let format = ImageFormat.sniff(bytes), format == info.format else {
            throw .probeMismatch(source: source, probed: info.sizeDescription,
                                 found: ImageFormat.sniff(bytes).map { "\($0) data" } ?? "neither PNG nor JPEG")
        }
        switch format {
        case .png: try PNGCodec.decode(bytes, as: info, into: destination, limits: limits, source: source)
        case .jpeg: try JPEGCodec.decode(bytes, as: info, into: destination, limits: limits, source: source)
        }
    }

    /// Probes and decodes into a new pixel array.
    public func decode(_ bytes: UnsafeRawBufferPointer, sourceName: String? = nil, targetSize: Int? = nil)
        throws(ImageDecodeError) -> DecodedImage
    {
        let info = try probe(bytes, sourceName: sourceName, targetSize: targetSize)
        var failure: ImageDecodeError?
        let pixels = [UInt8](unsafeUninitializedCapacity: info.byteCount) { buffer, initialized in
            do throws(ImageDecodeError) {
                try decode(bytes, as: info, into: UnsafeMutableRawBufferPointer(buffer), sourceName: sourceName)
                initialized = info.byteCount
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return DecodedImage(width: info.width, height: info.height, pixels: pixels, sourceFormat: info.format)
    }

    /// `probe` for bytes held in an array.
    public func probe(_ bytes: [UInt8], sourceName: String? = nil, targetSize: Int? = nil)
        throws(ImageDecodeError) -> ImageInfo
    {
        try Self.withBytes(bytes) { raw throws(ImageDecodeError) in
            try probe(raw, sourceName: sourceName, targetSize: targetSize)
        }
    }

    /// `decode(_:as:into:)` for bytes held in an array.
    public func decode(_ bytes: [UInt8], as info: ImageInfo, into destination: UnsafeMutableRawBufferPointer,
                       sourceName: String? = nil) throws(ImageDecodeError)
    {
        try Self.withBytes(bytes) { raw throws(ImageDecodeError) in
            try decode(raw, as: info, into: destination, sourceName: sourceName)
        }
    }

    /// Probes and decodes bytes held in an array.
    public func decode(_ bytes: [UInt8], sourceName: String? = nil, targetSize: Int? = nil)
        throws(ImageDecodeError) -> DecodedImage
    {
        try Self.withBytes(bytes) { raw throws(ImageDecodeError) in
            try decode(raw, sourceName: sourceName, targetSize: targetSize)
        }
    }

    /// Reads and decodes the file at `path`; errors name the path.
    public func decodeFile(atPath path: String, targetSize: Int? = nil) throws(ImageDecodeError) -> DecodedImage {
        try decode(Self.readFile(atPath: path), sourceName: path, targetSize: targetSize)
    }

    /// The whole file's bytes, for `probe` and `decode`.
    public static func readFile(atPath path: String) throws(ImageDecodeError) -> [UInt8] {
        do {
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    private static func displayName(_ sourceName: String?) -> String { sourceName ?? "image data" }

    private static func withBytes<Result>(
        _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ImageDecodeError) -> Result
    ) throws(ImageDecodeError) -> Result {
        let outcome = bytes.withUnsafeBytes { raw in
            Swift.Result { () throws(ImageDecodeError) -> Result in try body(raw) }
        }
        return try outcome.get()
    }
}
