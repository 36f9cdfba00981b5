import CJPEG

/// Writes decoded JPEG rows into the destination at their displayed positions (EXIF orientation),
/// converting CMYK rows to RGB on the way. No intermediate image is allocated.
struct JPEGRowPlacer {
    let destination: UnsafeMutablePointer<UInt8>
    let info: ImageInfo

    func place(row: UnsafePointer<UInt8>, y: Int, header: sluice_jpeg_info) -> Bool {
        let width = info.scaledStoredWidth, height = info.scaledStoredHeight
        let channels = Int(header.output_channels)
        guard Int(header.output_width) == width, Int(header.output_height) == height, y >= 0, y < height,
              channels == 3 || channels == 4
        else { return false }

        // A displayed position is affine in x along a stored row: start offset plus a fixed step.
        let orientation = info.orientation
        let first = orientation.displayedPosition(x: 0, y: y, width: width, height: height)
        let second = orientation.displayedPosition(x: 1, y: y, width: width, height: height)
        let start = (first.y * info.width + first.x) * 3
        let step = ((second.y - first.y) * info.width + (second.x - first.x)) * 3

        if channels == 3 && step == 3 {
            (destination + start).update(from: row, count: width * 3)
            return true
        }
        let inverted = header.adobe_inverted != 0
        var target = destination + start
        var sample = row
        for _ in 0..<width {
            if channels == 3 {
                target[0] = sample[0]
                target[1] = sample[1]
                target[2] = sample[2]
            } else {
                let key = inverted ? sample[3] : 255 - sample[3]
                target[0] = Self.ink(sample[0], key, inverted: inverted)
                target[1] = Self.ink(sample[1], key, inverted: inverted)
                target[2] = Self.ink(sample[2], key, inverted: inverted)
            }
            target += step
            sample += channels
        }
        return true
    }

    /// RGB = (1 - C)(1 - K). Adobe (Photoshop) files store CMYK inverted, so there 1 - C is the
    /// stored value itself. `key` is already 1 - K.
    private static func ink(_ colour: UInt8, _ key: UInt8, inverted: Bool) -> UInt8 {
        let clear = inverted ? UInt32(colour) : 255 - UInt32(colour)
        return UInt8((clear * UInt32(key) + 127) / 255)
    }
}
