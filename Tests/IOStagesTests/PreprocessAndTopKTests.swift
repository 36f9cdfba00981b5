import Foundation
import GPUCore
import Testing
@testable import IOStages

@Suite struct PreprocessAndTopKTests {
    static let context: GPUContext = {
        do { return try GPUContext(selection: DeviceSelection(enableValidation: true)) } catch {
            fatalError("no Vulkan device for tests: \(error.localizedDescription)")
        }
    }()

    static func image(width: Int, height: Int, seed: Int) -> [UInt8] {
        (0..<(width * height * 3)).map { i in UInt8(truncatingIfNeeded: (i * 37 + seed * 101 + (i / 3) % width * 5) % 251) }
    }

    func gpuPreprocess(_ options: PreprocessOptions, pixels: [UInt8], width: Int, height: Int, slot: Int = 1) throws -> [Float] {
        let context = Self.context
        let source = try context.makeBuffer(bytes: pixels + [0, 0, 0])
        let elementBytes = options.dataType.byteSize
        let destination = try context.makeBuffer(size: (slot + 1) * options.elementsPerImage * elementBytes)
        let stream = try CommandStream(context: context)
        try ImagePreprocessor(options: options).encode(into: stream, source: source, width: width, height: height, destination: destination, slot: slot)
        try stream.run()
        let bytes = try context.download(destination, offset: slot * options.elementsPerImage * elementBytes, count: options.elementsPerImage * elementBytes)
        return options.dataType == .float16
            ? bytes.withUnsafeBytes { $0.bindMemory(to: UInt16.self).map { Float(Float16(bitPattern: $0)) } }
            : bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test(arguments: [
        (PreprocessOptions.Fit.centerCrop, 57, 31), (.centerCrop, 31, 57), (.letterbox, 50, 20), (.stretch, 13, 9), (.centerCrop, 300, 200),
    ])
    func gpuMatchesTheCPUReference(fit: PreprocessOptions.Fit, width: Int, height: Int) throws {
        let options = PreprocessOptions(width: 24, height: 16, fit: fit, resizeShorterSide: fit == .centerCrop ? 20 : nil,
                                        mean: [127, 120, 110], std: [128, 64, 32], padValue: 114)
        let pixels = Self.image(width: width, height: height, seed: width)
        let gpu = try gpuPreprocess(options, pixels: pixels, width: width, height: height)
        let cpu = try ImagePreprocessor(options: options).reference(pixels: pixels, width: width, height: height)
        let worst = zip(gpu, cpu).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-3, "max |GPU − CPU| = \(worst)")
        #expect(Self.context.validation?.drain() ?? [] == [])
    }

    @Test func nhwcAndFloat16Outputs() throws {
        let pixels = Self.image(width: 40, height: 40, seed: 3)
        var options = PreprocessOptions(width: 8, height: 8, fit: .stretch, inputScale: 1.0 / 255, layout: .nhwc)
        let cpu = try ImagePreprocessor(options: options).reference(pixels: pixels, width: 40, height: 40)
        #expect(zip(try gpuPreprocess(options, pixels: pixels, width: 40, height: 40), cpu).allSatisfy { abs($0 - $1) < 1e-5 })
        guard Self.context.capabilities.storageBuffer16Bit && Self.context.capabilities.shaderFloat16 else { return }
        options.dataType = .float16
        #expect(zip(try gpuPreprocess(options, pixels: pixels, width: 40, height: 40), cpu).allSatisfy { abs($0 - $1) < 1e-3 })
    }

    @Test func solidImageNormalisesExactly() throws {
        let pixels = [UInt8](repeating: 255, count: 10 * 10 * 3)
        let options = PreprocessOptions(width: 4, height: 4, fit: .centerCrop, resizeShorterSide: 5, mean: [127, 127, 127], std: [128, 128, 128])
        #expect(try gpuPreprocess(options, pixels: pixels, width: 10, height: 10).allSatisfy { $0 == 1 })
    }

    @Test func centreCropGeometryFollowsTorchvision() {
        let options = PreprocessOptions(width: 224, height: 224, fit: .centerCrop, resizeShorterSide: 256)
        let g = options.geometry(sourceWidth: 500, sourceHeight: 375)
        #expect(g.resizedWidth == 341 && g.resizedHeight == 256 && g.offsetX == 58 && g.offsetY == 16)
    }

    @Test func badOptionsAreNamed() {
        #expect(throws: PreprocessError.invalidOptions(["mean must have 3 values (R, G, B)", "std must have 3 non-zero values"])) {
            try ImagePreprocessor(options: PreprocessOptions(mean: [1], std: [1, 0, 1]))
        }
    }

    @Test(arguments: [(1, 10, 3), (4, 1000, 5), (3, 7, 7), (2, 300, 1)])
    func topKMatchesTheCPU(rows: Int, classes: Int, k: Int) throws {
        let context = Self.context
        var logits = (0..<(rows * classes)).map { Float(($0 * 7919) % 1009) / 100 - 5 }
        logits[classes - 1] = logits[0]  // a tie in row 0: the lower index wins
        let buffer = try context.makeBuffer(bytes: logits.withUnsafeBytes { [UInt8]($0) })
        let indices = try context.makeBuffer(size: rows * k * 4), scores = try context.makeBuffer(size: rows * k * 4)
        let topK = try TopK(k: k)
        let stream = try CommandStream(context: context)
        try topK.encode(into: stream, logits: buffer, rows: rows, classes: classes, indices: indices, scores: scores)
        try stream.run()
        let ids = try context.download(indices).withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let values = try context.download(scores).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let reference = topK.reference(logits, classes: classes)
        for row in 0..<rows {
            #expect(ids[row * k..<(row + 1) * k].map(Int.init) == reference[row].map(\.index))
            for j in 0..<k { #expect(abs(values[row * k + j] - reference[row][j].score) < 1e-5) }
        }
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test func topKErrors() {
        #expect(throws: TopKError.invalidK(0)) { try TopK(k: 0) }
        #expect(throws: TopKError.invalidK(65)) { try TopK(k: 65) }
    }
}
