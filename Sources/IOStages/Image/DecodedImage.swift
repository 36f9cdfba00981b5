/// Decoded pixels in host memory.
public struct DecodedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 8-bit RGB, interleaved, rows top to bottom: `width * height * 3` bytes.
    public let pixels: [UInt8]
    public let sourceFormat: ImageFormat

    public init(width: Int, height: Int, pixels: [UInt8], sourceFormat: ImageFormat) {
        self.width = width
        self.height = height
        self.pixels = pixels
        self.sourceFormat = sourceFormat
    }

    /// The red, green and blue samples at (x, y), or nil outside the image.
    public func rgb(x: Int, y: Int) -> [UInt8]? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let offset = (y * width + x) * 3
        return Array(pixels[offset..<offset + 3])
    }
}
