import Foundation
import Testing
@testable import GPUCore

/// One validation-enabled context shared by the GPUCore tests (creating an instance with the
/// validation layer is slow). Tests call `expectNoValidationMessages()` at the end.
enum TestGPU {
    static let context: GPUContext = {
        do {
            return try GPUContext(selection: DeviceSelection(enableValidation: true))
        } catch {
            fatalError("no Vulkan device for tests: \(error.localizedDescription). Install mesa-vulkan-drivers.")
        }
    }()

    static func expectNoValidationMessages(sourceLocation: SourceLocation = #_sourceLocation) {
        let messages = context.validation?.drain() ?? []
        #expect(messages.isEmpty, "validation layer: \(messages.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    static func floats(_ bytes: [UInt8]) -> [Float] { bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
    static func bytes(_ floats: [Float]) -> [UInt8] { floats.withUnsafeBytes { [UInt8]($0) } }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
