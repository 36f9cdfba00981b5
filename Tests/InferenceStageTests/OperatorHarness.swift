import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// The generic operator test: build the operator for a node, run the CPU reference, run the GPU
/// kernel on the same inputs (lavapipe, validation layer on), and compare within a tolerance.
/// An operator's test is a few lines: attributes, inputs, expected values where known.
enum OperatorHarness {
    static let context: GPUContext = {
        do { return try GPUContext(selection: DeviceSelection(enableValidation: true)) } catch {
            fatalError("no Vulkan device for tests: \(error.localizedDescription)")
        }
    }()

    struct Outcome {
        let cpu: [TensorData]
        /// nil when the GPU declined (then `gpuReason` says why).
        let gpu: [TensorData]?
        let gpuReason: String?
    }

    /// Runs `opType` on `inputs`. Inputs in `constantInputs` are presented to the operator as
    /// known when planning (as initializers are). When `requireGPU` is true, a GPU refusal fails
    /// the test; GPU and CPU results must agree within `rtol`/`atol` (exactly for non-float types).
    @discardableResult
    static func check(_ opType: String, domain: String = "", attributes: [String: Attribute] = [:], inputs: [TensorData?],
                      opset: Int = 17, constantInputs: Set<Int> = [], rtol: Double = 1e-4, atol: Double = 1e-5,
                      requireGPU: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome {
        guard let registration = OperatorRegistry.lookup(opType, domain: domain, opset: opset) else {
            throw OperatorError.invalid("no registration for \(opType) at opset \(opset)")
        }
        let node = Node(name: "test_\(opType)", opType: opType, domain: domain,
                        inputs: inputs.indices.map { inputs[$0] == nil ? "" : "in\($0)" }, outputs: ["out0"], attributes: attributes)
        let op = try registration.make(node, opset)
        let planInputs = inputs.enumerated().map { i, data in
            data.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims), constant: constantInputs.contains(i) || op.planTimeInputs.contains(i) ? $0 : nil) }
        }
        let specs = try op.outputSpecs(planInputs)
        let cpu = try op.computeCPU(inputs, outputs: specs)
        #expect(cpu.map { TensorSpec($0.dataType, $0.dims) } == specs, "CPU outputs disagree with outputSpecs", sourceLocation: sourceLocation)
        if op.aliasedInput != nil { return Outcome(cpu: cpu, gpu: nil, gpuReason: "alias") }
        if let reason = op.gpuUnsupportedReason(planInputs, outputs: specs, device: context.capabilities) {
            if requireGPU { Issue.record("GPU declined \(opType): \(reason)", sourceLocation: sourceLocation) }
            return Outcome(cpu: cpu, gpu: nil, gpuReason: reason)
        }
        let gpu = try runGPU(op, inputs: inputs, specs: specs, constants: planInputs.map { $0?.constant })
        for (index, (c, g)) in zip(cpu, gpu).enumerated() {
            expectClose(g, c, rtol: rtol, atol: atol, what: "\(opType) output \(index) GPU vs CPU", sourceLocation: sourceLocation)
        }
        let messages = context.validation?.drain() ?? []
        #expect(messages.isEmpty, "validation: \(messages)", sourceLocation: sourceLocation)
        return Outcome(cpu: cpu, gpu: gpu, gpuReason: nil)
    }

    static func runGPU(_ op: any Operator, inputs: [TensorData?], specs: [TensorSpec], constants: [TensorData?]) throws -> [TensorData] {
        let gpuInputs = try inputs.map { data -> GPUValue? in
            guard let data else { return nil }
            let buffer = try context.makeBuffer(size: max(data.bytes.count, 4), label: "input")
            try context.upload(data.bytes, to: buffer)
            return GPUValue(buffer: buffer, spec: TensorSpec(data.dataType, data.dims))
        }
        let outputs = try specs.map { GPUValue(buffer: try context.makeBuffer(size: max($0.byteCount, 4), label: "output"), spec: $0) }
        // Poison outputs so a kernel that skips elements is caught.
        for output in outputs { try context.upload([UInt8](repeating: 0xA5, count: output.buffer.size), to: output.buffer) }
        let stream = try CommandStream(context: context, label: "operator test")
        let encoder = KernelEncoder(context: context, stream: stream)
        try op.encodeGPU(encoder, inputs: gpuInputs, outputs: outputs, constants: constants)
        try stream.run()
        return try outputs.map { try TensorData(dataType: $0.spec.dataType, dims: $0.spec.dims, bytes: context.download($0.buffer, count: $0.spec.byteCount)) }
    }

    static func expectClose(_ actual: TensorData, _ expected: TensorData, rtol: Double = 1e-4, atol: Double = 1e-5, what: String = "",
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.dims == expected.dims, "\(what): dims \(actual.dims) vs \(expected.dims)", sourceLocation: sourceLocation)
        #expect(actual.dataType == expected.dataType, "\(what): type", sourceLocation: sourceLocation)
        guard actual.dims == expected.dims, actual.dataType == expected.dataType else { return }
        if !expected.dataType.isFloatingPoint {
            #expect(actual.bytes == expected.bytes, "\(what): values differ", sourceLocation: sourceLocation)
            return
        }
        let a = actual.doubles(), e = expected.doubles()
        var worst = 0.0, worstIndex = -1
        for i in a.indices {
            if a[i].isNaN && e[i].isNaN { continue }
            if a[i] == e[i] { continue }
            let excess = abs(a[i] - e[i]) - (atol + rtol * abs(e[i]))
            if !(excess <= 0), excess > worst || worstIndex < 0 { worst = excess; worstIndex = i }
        }
        #expect(worstIndex < 0, "\(what): element \(worstIndex) is \(worstIndex >= 0 ? a[worstIndex] : 0), expected \(worstIndex >= 0 ? e[worstIndex] : 0)", sourceLocation: sourceLocation)
    }
}

/// Deterministic pseudo-random test data.
struct TestRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        let unit = Float(next() >> 40) / Float(1 << 24)
        return range.lowerBound + unit * (range.upperBound - range.lowerBound)
    }

    mutating func floats(_ dims: [Int], _ range: ClosedRange<Float> = -2...2) -> TensorData {
        let count = dims.reduce(1, *)
        // Dims come from the test itself, so a mismatch is a test bug.
        return try! TensorData((0..<count).map { _ in uniform(range) }, dims: dims)
    }

    mutating func int64s(_ dims: [Int], _ range: ClosedRange<Int64>) -> TensorData {
        let count = dims.reduce(1, *)
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return try! TensorData((0..<count).map { _ in range.lowerBound + Int64(next() % span) }, dims: dims)
    }
}
