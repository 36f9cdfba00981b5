import CFuzzerDriver
import IOStages

// Fuzzes the PNG and JPEG decoders (format sniffing, EXIF orientation, libpng/libjpeg error
// recovery through the C shims, limits). The first byte picks a decode mode so that both the
// full-size path and the JPEG DCT-scaling (`targetSize`) path are reached.

private let decoder = ImageDecoder()

@_cdecl("FuzzImageDecoder_main")
public func fuzzImageDecoderEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzImageDecoder(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = try? decoder.probe(bytes, sourceName: "fuzz")
    _ = try? decoder.decode(bytes, sourceName: "fuzz")
    // A small target size exercises scaled JPEG decoding and the orientation remap on a
    // different output geometry.
    if let first = bytes.first, first & 1 == 1 {
        _ = try? decoder.decode(bytes, sourceName: "fuzz", targetSize: 1 + Int(bytes.last ?? 0) % 64)
    }
    return 0
}
