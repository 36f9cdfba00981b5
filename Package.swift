// swift-tools-version:6.0
import PackageDescription

/// shaderc is linked from Debian's static archives: its shared libshaderc.so.1 has an unresolved
/// symbol. The order matters for the static linker (each archive before the ones it uses).
let shadercStaticLibraries: [LinkerSetting] = [
    "shaderc_combined", "glslang", "MachineIndependent", "GenericCodeGen", "OSDependent",
    "OGLCompiler", "SPIRV", "SPIRV-Tools-opt", "SPIRV-Tools", "HLSL",
    "glslang-default-resource-limits", "stdc++",
].map { .linkedLibrary($0) }

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "GPUCore", targets: ["GPUCore"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C shims: thin, no logic beyond what Swift cannot express (setjmp, macros).
        .systemLibrary(name: "CVulkan", pkgConfig: "vulkan", providers: [.apt(["libvulkan-dev"])]),
        .target(name: "CShaderc", linkerSettings: shadercStaticLibraries),

        .target(
            name: "GPUCore",
            dependencies: ["CVulkan", "CShaderc", .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("Shaders")],
            swiftSettings: strictSwift),

        .executableTarget(
            name: "sluice",
            dependencies: [
                "GPUCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift),

        .target(
            name: "Pipeline",
            dependencies: ["GPUCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline"], swiftSettings: strictSwift),

    ],
    swiftLanguageModes: [.v6]
)
