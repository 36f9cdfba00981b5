/// Finds the EXIF Orientation tag in a JPEG's APP1 "Exif" segment. Metadata that is damaged or
/// absent means "no rotation": a bad tag must not make the pixels undecodable.
enum ExifOrientationReader {
    static func orientation(inJPEG bytes: UnsafeRawBufferPointer) -> ImageOrientation {
        guard let tiff = exifPayload(bytes) else { return .identity }
        return orientation(inTIFF: tiff) ?? .identity
    }

    /// The TIFF structure inside the first APP1 segment that starts with "Exif\0\0".
    private static func exifPayload(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer.SubSequence? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue } // fill byte
            // Start of scan or end of image: APP segments only come before them.
            if marker == 0xDA || marker == 0xD9 { return nil }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue } // no length
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let start = offset + 4
            let end = offset + 2 + length
            guard length >= 2, end <= bytes.count else { return nil }
            let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] // "Exif\0\0"
            if marker == 0xE1, end - start > exifHeader.count,
               bytes[start..<start + exifHeader.count].elementsEqual(exifHeader) {
                return bytes[(start + exifHeader.count)..<end]
            }
            offset = end
        }
        return nil
    }

    /// Reads tag 0x0112 (Orientation, SHORT) from IFD0 of a TIFF header.
    private static func orientation(inTIFF tiff: UnsafeRawBufferPointer.SubSequence) -> ImageOrientation? {
        let base = tiff.startIndex
        let count = tiff.count
        guard count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): littleEndian = true  // "II"
        case (0x4D, 0x4D): littleEndian = false // "MM"
        default: return nil
        }
        func read16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= count else { return nil }
            let a = Int(tiff[base + at]), b = Int(tiff[base + at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func read32(_ at: Int) -> Int? {
            guard let low = read16(littleEndian ? at : at + 2), let high = read16(littleEndian ? at + 2 : at) else {
                return nil
            }
            return high << 16 | low
        }
        guard read16(2) == 42, let ifd = read32(4), let entries = read16(ifd) else { return nil }
        for index in 0..<entries {
            let entry = ifd + 2 + index * 12
            guard let tag = read16(entry) else { return nil }
            guard tag == 0x0112 else { continue }
            guard read16(entry + 2) == 3, read32(entry + 4) == 1, let value = read16(entry + 8) else { return nil }
            return ImageOrientation(rawValue: value)
        }
        return nil
    }
}
