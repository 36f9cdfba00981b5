/// Bounds on what a decoder accepts from an untrusted file, checked from the header before any
/// pixel memory is allocated.
public struct ImageLimits: Sendable, Equatable {
    /// Largest `width * height` of the stored image (before DCT scaling). A 100-megapixel RGB image
    /// needs 300 MB of output alone.
    public var maxPixels: Int
    /// Largest number of progressive JPEG scans; a "scan bomb" repeats tiny scans to burn CPU.
    public var maxProgressiveScans: Int
    /// Largest ancillary PNG chunk libpng may allocate.
    public var maxPNGChunkBytes: Int
    /// Largest number of ancillary PNG chunks libpng keeps.
    public var maxPNGAncillaryChunks: Int

    public static let defaultMaxPixels = 100_000_000

    public init(
        maxPixels: Int = ImageLimits.defaultMaxPixels,
        maxProgressiveScans: Int = 1000,
        maxPNGChunkBytes: Int = 8 << 20,
        maxPNGAncillaryChunks: Int = 1000
    ) {
        self.maxPixels = maxPixels
        self.maxProgressiveScans = maxProgressiveScans
        self.maxPNGChunkBytes = maxPNGChunkBytes
        self.maxPNGAncillaryChunks = maxPNGAncillaryChunks
    }

    /// The largest `maxPixels` accepted: keeps `width * height * 3` far from overflowing.
    public static let maxPixelsCeiling = 1 << 40

    /// A description of the first out-of-range field, or nil when every field is usable.
    var problem: String? {
        if maxPixels < 1 || maxPixels > Self.maxPixelsCeiling {
            return "maxPixels is \(maxPixels); it must be between 1 and \(Self.maxPixelsCeiling)"
        }
        if maxProgressiveScans < 1 || maxProgressiveScans > Int(UInt32.max) {
            return "maxProgressiveScans is \(maxProgressiveScans); it must be between 1 and \(UInt32.max)"
        }
        if maxPNGChunkBytes < 1 || maxPNGChunkBytes > Int(UInt32.max) {
            return "maxPNGChunkBytes is \(maxPNGChunkBytes); it must be between 1 and \(UInt32.max)"
        }
        if maxPNGAncillaryChunks < 1 || maxPNGAncillaryChunks > Int(UInt32.max) {
            return "maxPNGAncillaryChunks is \(maxPNGAncillaryChunks); it must be between 1 and \(UInt32.max)"
        }
        return nil
    }
}
