import CJPEG

/// Calls into the CJPEG shim: picks the DCT scale, applies the EXIF orientation while placing
/// rows, and turns status codes into `ImageDecodeError`s.
enum JPEGCodec {
    static func probe(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits, targetSize: Int?, source: String)
        throws(ImageDecodeError) -> ImageInfo
    {
        var header = sluice_jpeg_info()
        var cLimits = cLimits(limits)
        let (status, message) = withMessageBuffer { buffer, capacity in
            sluice_jpeg_probe(baseAddress(bytes), bytes.count, &cLimits, &header, buffer, capacity)
        }
        try check(status, message, header: header, limits: limits, source: source)
        let width = Int(header.width), height = Int(header.height)
        let denominator = scaleDenominator(width: width, height: height, targetSize: targetSize)
        let scaledWidth = divideRoundingUp(width, denominator), scaledHeight = divideRoundingUp(height, denominator)
        let orientation = ExifOrientationReader.orientation(inJPEG: bytes)
        return ImageInfo(
            format: .jpeg,
            width: orientation.swapsAxes ? scaledHeight : scaledWidth,
            height: orientation.swapsAxes ? scaledWidth : scaledHeight,
            storedWidth: width, storedHeight: height, orientation: orientation, scaleDenominator: denominator)
    }

    /// The largest n in {8, 4, 2, 1} whose 1/n scaled image keeps its shorter side >= `targetSize`:
    /// decoding fewer DCT coefficients is much faster, and the preprocessor resizes down anyway.
    static func scaleDenominator(width: Int, height: Int, targetSize: Int?) -> Int {
        guard let targetSize, targetSize > 0 else { return 1 }
        let shorterSide = min(width, height)
        return [8, 4, 2].first { divideRoundingUp(shorterSide, $0) >= targetSize } ?? 1
    }

    /// libjpeg rounds scaled dimensions up (jdiv_round_up).
    static func divideRoundingUp(_ value: Int, _ divisor: Int) -> Int { (value + divisor - 1) / divisor }

    static func decode(_ bytes: UnsafeRawBufferPointer, as info: ImageInfo, into destination: UnsafeMutableRawBufferPointer,
                       limits: ImageLimits, source: String) throws(ImageDecodeError)
    {
        guard let pixels = destination.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .destinationTooSmall(source: source, required: info.byteCount, available: destination.count)
        }
        var placer = JPEGRowPlacer(destination: pixels, info: info)
        var header = sluice_jpeg_info()
        var cLimits = cLimits(limits)
        let (status, message) = withUnsafeMutablePointer(to: &placer) { context in
            withMessageBuffer { buffer, capacity in
                sluice_jpeg_decode(baseAddress(bytes), bytes.count, &cLimits, UInt32(info.scaleDenominator),
                                   placeJPEGRow, context, &header, buffer, capacity)
            }
        }
        // The placer stops when rows do not fit the probed size: these are not the probed bytes.
        if status == SLUICE_JPEG_STOPPED {
            throw .probeMismatch(source: source, probed: info.sizeDescription,
                                 found: "JPEG \(header.width) x \(header.height) scaled to "
                                     + "\(header.output_width) x \(header.output_height)")
        }
        try check(status, message, header: header, limits: limits, source: source)
    }

    private static func cLimits(_ limits: ImageLimits) -> sluice_jpeg_limits {
        sluice_jpeg_limits(max_pixels: UInt64(limits.maxPixels), max_scans: UInt32(limits.maxProgressiveScans))
    }

    private static func check(_ status: sluice_jpeg_status, _ message: String, header: sluice_jpeg_info,
                              limits: ImageLimits, source: String) throws(ImageDecodeError)
    {
        switch status {
        case SLUICE_JPEG_OK: return
        case SLUICE_JPEG_TRUNCATED: throw .truncated(source: source, format: .jpeg, detail: message)
        case SLUICE_JPEG_TOO_LARGE:
            throw .tooLarge(source: source, format: .jpeg, width: Int(header.width), height: Int(header.height),
                            maxPixels: limits.maxPixels)
        case SLUICE_JPEG_TOO_MANY_SCANS: throw .tooManyScans(source: source, maxScans: limits.maxProgressiveScans)
        case SLUICE_JPEG_UNSUPPORTED: throw .unsupportedFeature(source: source, format: .jpeg, detail: message)
        case SLUICE_JPEG_OUT_OF_MEMORY: throw .outOfMemory(source: source, format: .jpeg, detail: message)
        default: throw .corrupt(source: source, format: .jpeg, detail: message)
        }
    }
}

/// The C row callback: hands each row to the `JPEGRowPlacer` passed as context. Returns non-zero
/// (stop) when the row does not fit the probed size.
private func placeJPEGRow(context: UnsafeMutableRawPointer?, row: UnsafePointer<UInt8>?, y: UInt32,
                          header: UnsafePointer<sluice_jpeg_info>?) -> Int32
{
    guard let context, let row, let header else { return 1 }
    let placer = context.assumingMemoryBound(to: JPEGRowPlacer.self)
    return placer.pointee.place(row: row, y: Int(y), header: header.pointee) ? 0 : 1
}
