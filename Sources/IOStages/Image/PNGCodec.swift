import CPNG

/// Calls into the CPNG shim and turns its status codes into `ImageDecodeError`s.
enum PNGCodec {
    static func probe(_ bytes: UnsafeRawBufferPointer, limits: ImageLimits, source: String)
        throws(ImageDecodeError) -> ImageInfo
    {
        var header = sluice_png_info()
        var cLimits = cLimits(limits)
        let (status, message) = withMessageBuffer { buffer, capacity in
            sluice_png_probe(baseAddress(bytes), bytes.count, &cLimits, &header, buffer, capacity)
        }
        try check(status, message, header: header, limits: limits, source: source)
        let width = Int(header.width), height = Int(header.height)
        return ImageInfo(format: .png, width: width, height: height, storedWidth: width, storedHeight: height,
                         orientation: .identity, scaleDenominator: 1)
    }

    /// Writes `info.byteCount` bytes of RGB into `destination`, which the caller has checked.
    static func decode(_ bytes: UnsafeRawBufferPointer, as info: ImageInfo, into destination: UnsafeMutableRawBufferPointer,
                       limits: ImageLimits, source: String) throws(ImageDecodeError)
    {
        var header = sluice_png_info()
        var cLimits = cLimits(limits)
        let pixels = destination.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let (status, message) = withMessageBuffer { buffer, capacity in
            sluice_png_decode_rgb8(baseAddress(bytes), bytes.count, &cLimits, pixels, destination.count, &header,
                                   buffer, capacity)
        }
        // A header that disagrees with the probe means different bytes; say so rather than report
        // a buffer problem the caller did not cause.
        if header.width != 0, Int(header.width) != info.width || Int(header.height) != info.height {
            throw .probeMismatch(source: source, probed: info.sizeDescription,
                                 found: "PNG \(header.width) x \(header.height)")
        }
        try check(status, message, header: header, limits: limits, source: source, available: destination.count)
    }

    private static func cLimits(_ limits: ImageLimits) -> sluice_png_limits {
        sluice_png_limits(max_pixels: UInt64(limits.maxPixels), max_chunk_bytes: UInt32(limits.maxPNGChunkBytes),
                          max_ancillary_chunks: UInt32(limits.maxPNGAncillaryChunks))
    }

    private static func check(_ status: sluice_png_status, _ message: String, header: sluice_png_info,
                              limits: ImageLimits, source: String, available: Int = 0) throws(ImageDecodeError)
    {
        switch status {
        case SLUICE_PNG_OK: return
        case SLUICE_PNG_TRUNCATED: throw .truncated(source: source, format: .png, detail: message)
        case SLUICE_PNG_TOO_LARGE:
            throw .tooLarge(source: source, format: .png, width: Int(header.width), height: Int(header.height),
                            maxPixels: limits.maxPixels)
        case SLUICE_PNG_OUT_OF_MEMORY: throw .outOfMemory(source: source, format: .png, detail: message)
        case SLUICE_PNG_BUFFER_TOO_SMALL:
            throw .destinationTooSmall(source: source, required: Int(header.width) * Int(header.height) * 3,
                                       available: available)
        default: throw .corrupt(source: source, format: .png, detail: message)
        }
    }
}
