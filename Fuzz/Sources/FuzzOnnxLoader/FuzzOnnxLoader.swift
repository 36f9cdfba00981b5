import CFuzzerDriver
import Foundation
import CFuzzerDriver
import InferenceStage

// Fuzzes the ONNX loader (protobuf-c decoding, graph and tensor checks, external-data
// confinement) and, when a model loads, CPU session creation (optimiser passes and graph
// compilation). Every rejection must be a thrown error; a trap, sanitizer report, timeout or
// out-of-memory is a bug.

/// External-data references resolve inside the fixtures' `external` directory, so seeds that
/// use `weights.bin` load and mutated paths exercise the confinement checks.
private let externalDataDirectory: String = {
    let fuzzPackage = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return fuzzPackage.deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/onnx/external").path
}()

@_cdecl("FuzzOnnxLoader_main")
public func fuzzOnnxLoaderEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOnnxLoader(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOnnxLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let model = try? ModelLoader.load(bytes: bytes, baseDirectory: externalDataDirectory) else {
        return 0
    }
    _ = try? InferenceSession(model: model, options: SessionOptions(executionProviders: [.cpu]))
    return 0
}
