import CFuzzerDriver
import Pipeline

// Fuzzes the pipeline JSON parser (nesting and size caps, string escapes, numbers), the
// structural loader and the registry's validator. Invalid input must come back as a thrown
// error or as validation issues, never as a trap.

private let registry = StageRegistry.standard()

@_cdecl("FuzzPipelineJSON_main")
public func fuzzPipelineJSONEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzPipelineJSON(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPipelineJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    // The byte entry point sees invalid UTF-8 as it is on disk.
    _ = try? PipelineJSON.parse(bytes: bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    guard let (definition, _) = try? PipelineLoader.load(text, file: nil) else { return 0 }
    _ = registry.validate(definition)
    return 0
}
