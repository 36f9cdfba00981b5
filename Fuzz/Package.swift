// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for Sluice's parsers (see docs/RELIABILITY.md and the Makefile's `fuzz`).
// Build only with the fuzzer and address sanitizers:
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
// SwiftPM defines each executable's main as `<Module>_main`; the harnesses define that symbol
// and start libFuzzer with LLVMFuzzerRunDriver (CFuzzerDriver declares it).

// A path dependency's identity is its directory name (e.g. "sluice", or a worktree's name), so the
// products are looked up under whatever the parent directory is called.
let parentIdentity = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "sluice"

func product(_ name: String) -> Target.Dependency {
    .product(name: name, package: parentIdentity)
}

let package = Package(
    name: "SluiceFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzOnnxLoader", dependencies: ["CFuzzerDriver", product("InferenceStage")]),
        .executableTarget(name: "FuzzImageDecoder", dependencies: ["CFuzzerDriver", product("IOStages")]),
        .executableTarget(name: "FuzzPipelineJSON", dependencies: ["CFuzzerDriver", product("Pipeline")]),
        .executableTarget(name: "FuzzBPETokenizer", dependencies: ["CFuzzerDriver", product("IOStages")]),
    ],
    swiftLanguageModes: [.v6]
)
