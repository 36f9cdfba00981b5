import Foundation
import Testing
@testable import GPUCore

@Suite struct ShaderTests {
    let source = ShaderSource(name: "scale.comp", text: """
        #version 450
        layout(local_size_x = 64) in;
        layout(std430, binding = 0) buffer B { float v[]; };
        void main() { v[gl_GlobalInvocationID.x] *= SCALE; }
        """)

    @Test func secondCompileHitsTheDiskCache() throws {
        let dir = TestGPU.temporaryDirectory()
        let compiler = ShaderCompiler(cacheDirectory: dir)
        var warnings: [String] = []
        let variant = KernelVariant(defines: ["SCALE": "2.0"])
        let first = try compiler.spirv(for: source, variant: variant) { warnings.append($0) }
        let second = try compiler.spirv(for: source, variant: variant) { warnings.append($0) }
        #expect(!first.cached)
        #expect(second.cached)
        #expect(first.words == second.words)
        #expect(first.words.first == 0x0723_0203)
        // Another define is another key.
        let other = try compiler.spirv(for: source, variant: KernelVariant(defines: ["SCALE": "3.0"])) { warnings.append($0) }
        #expect(!other.cached)
        #expect(warnings.isEmpty)
    }

    @Test func corruptCacheFileIsIgnoredWithAWarning() throws {
        let dir = TestGPU.temporaryDirectory()
        let compiler = ShaderCompiler(cacheDirectory: dir)
        let variant = KernelVariant(defines: ["SCALE": "2.0"])
        let good = try compiler.spirv(for: source, variant: variant) { _ in }
        let file = dir.appendingPathComponent("spirv/\(compiler.cacheKey(source, variant)).spv")
        var data = try Data(contentsOf: file)
        data[20] ^= 0xff
        try data.write(to: file)
        var warnings: [String] = []
        let again = try compiler.spirv(for: source, variant: variant) { warnings.append($0) }
        #expect(!again.cached)
        #expect(again.words == good.words)
        #expect(warnings.count == 1 && warnings[0].contains("corrupt shader cache"))
        // Rewritten: the next read is a hit again.
        #expect(try compiler.spirv(for: source, variant: variant) { _ in }.cached)
    }

    @Test func compileErrorNamesShaderAndLine() throws {
        let broken = ShaderSource(name: "broken.comp", text: "#version 450\nlayout(local_size_x = 1) in;\nvoid main() {\n  float x = undefinedThing;\n}\n")
        let compiler = ShaderCompiler(cacheDirectory: nil)
        do {
            _ = try compiler.compile(broken, variant: KernelVariant())
            Issue.record("compile should fail")
        } catch {
            guard case .shaderCompile(let shader, let line, let message) = error else { Issue.record("\(error)"); return }
            #expect(shader == "broken.comp")
            #expect(line == 4)
            #expect(message.contains("undefinedThing"))
            #expect(error.localizedDescription.contains("shader broken.comp line 4"))
        }
    }

    @Test func kernelsAreBuiltOncePerVariant() throws {
        let context = TestGPU.context
        let a = try context.shaders.kernel(source, variant: KernelVariant(defines: ["SCALE": "2.0"]), bindings: 1)
        let b = try context.shaders.kernel(source, variant: KernelVariant(defines: ["SCALE": "2.0"]), bindings: 1)
        let c = try context.shaders.kernel(source, variant: KernelVariant(defines: ["SCALE": "4.0"]), bindings: 1)
        #expect(a === b)
        #expect(a !== c)
        let buffer = try context.makeBuffer(bytes: TestGPU.bytes([1, 2, 3, 4] + [Float](repeating: 1, count: 60)))
        let stream = try CommandStream(context: context)
        try stream.dispatch(c, [.readWrite(buffer)], groups: (1, 1, 1))
        try stream.run()
        #expect(Array(TestGPU.floats(try context.download(buffer)).prefix(4)) == [4, 8, 12, 16])
        TestGPU.expectNoValidationMessages()
    }

    @Test func pipelineCacheHeaderMustMatchTheDevice() {
        let caps = TestGPU.context.capabilities
        #expect(!ShaderLibrary.headerMatches(Data([1, 2, 3]), caps))
        #expect(!ShaderLibrary.headerMatches(Data(repeating: 0, count: 64), caps))
    }
}
