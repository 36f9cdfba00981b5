import Testing

@testable import IOStages

@Suite("ImageOrientation and EXIF")
struct ImageOrientationTests {
    /// Stored 3 x 2 image; the displayed position of its top-left (0, 0) and of (2, 0).
    @Test("Displayed positions follow the EXIF definitions", arguments: [
        (ImageOrientation.identity, 0, 0, 2, 0),
        (.flipHorizontal, 2, 0, 0, 0),
        (.rotate180, 2, 1, 0, 1),
        (.flipVertical, 0, 1, 2, 1),
        (.transpose, 0, 0, 0, 2),
        (.rotate90Clockwise, 1, 0, 1, 2),
        (.transverse, 1, 2, 1, 0),
        (.rotate90CounterClockwise, 0, 2, 0, 0),
    ])
    func positions(orientation: ImageOrientation, x0: Int, y0: Int, x2: Int, y2: Int) {
        let first = orientation.displayedPosition(x: 0, y: 0, width: 3, height: 2)
        let last = orientation.displayedPosition(x: 2, y: 0, width: 3, height: 2)
        #expect(first.x == x0 && first.y == y0, "\(orientation) (0,0) -> \(first)")
        #expect(last.x == x2 && last.y == y2, "\(orientation) (2,0) -> \(last)")
        #expect(orientation.swapsAxes == (orientation.rawValue >= 5))
    }

    /// SOI, an APP1 Exif segment holding `tiff`, then SOS.
    static func jpeg(withTIFF tiff: [UInt8]) -> [UInt8] {
        let payload: [UInt8] = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + [0xFF, 0xDA, 0, 2]
    }

    static func orientation(_ bytes: [UInt8]) -> ImageOrientation {
        bytes.withUnsafeBytes { ExifOrientationReader.orientation(inJPEG: $0) }
    }

    @Test("Big-endian (Motorola) EXIF is read")
    func bigEndian() {
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]
        #expect(Self.orientation(Self.jpeg(withTIFF: tiff)) == .rotate90Clockwise)
    }

    @Test("Little-endian (Intel) EXIF is read, after other tags")
    func littleEndian() {
        let tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 2, 0,
                             0x0F, 0x01, 2, 0, 1, 0, 0, 0, 0x41, 0, 0, 0, // Make, ASCII
                             0x12, 0x01, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0,
                             0, 0, 0, 0]
        #expect(Self.orientation(Self.jpeg(withTIFF: tiff)) == .rotate90CounterClockwise)
    }

    @Test("Damaged or out-of-range EXIF means no rotation", arguments: [
        [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 9, 0, 0], // value 9
        [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 5, 0x01, 0x12],                               // cut inside IFD
        [0x4D, 0x4D, 0, 42, 0xFF, 0xFF, 0xFF, 0xF0],                                     // IFD offset past end
        [0x58, 0x58, 0, 42, 0, 0, 0, 8],                                                 // bad byte order
    ] as [[UInt8]])
    func damaged(tiff: [UInt8]) {
        #expect(Self.orientation(Self.jpeg(withTIFF: tiff)) == .identity)
    }

    @Test("A segment length running past the data means no rotation")
    func badSegmentLength() {
        #expect(Self.orientation([0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45, 0x78]) == .identity)
    }
}
