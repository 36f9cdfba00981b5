import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Helpers for the data-movement operator tests: nodes with several outputs (Split, Dropout),
/// random tensors of every element type, and GPU runs with run-time (not plan-time) inputs.
enum DataOperatorTesting {
    /// Every element type; movement operators must move each of them bit-exactly.
    static let everyType: [DataType] = [.float32, .float16, .int32, .int64, .uint8, .int8, .bool]

    /// Random values of `type` (floats in [-4, 4], bools 0/1, integers over their whole range).
    static func random(_ type: DataType, _ dims: [Int], seed: UInt64) -> TensorData {
        var random = TestRandom(seed: seed)
        let count = dims.reduce(1, *)
        let data: TensorData?
        switch type {
        case .float32: data = try? TensorData((0..<count).map { _ in random.uniform(-4...4) }, dims: dims)
        case .float16: data = try? TensorData((0..<count).map { _ in Float16(random.uniform(-4...4)) }, dims: dims)
        case .bool: data = try? TensorData(dataType: .bool, dims: dims, bytes: (0..<count).map { _ in UInt8(random.next() & 1) })
        default:
            let bytes = (0..<count * type.byteSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            data = try? TensorData(dataType: type, dims: dims, bytes: bytes)
        }
        // Dims come from the tests themselves.
        return data!
    }

    static func int64s(_ values: [Int], dims: [Int]? = nil) -> TensorData {
        try! TensorData(values.map { Int64($0) }, dims: dims ?? [values.count])
    }

    static func floats(_ values: [Float], dims: [Int]? = nil) -> TensorData {
        try! TensorData(values, dims: dims ?? [values.count])
    }

    /// Like `OperatorHarness.check`, for a node with `outputCount` outputs.
    @discardableResult
    static func check(_ opType: String, attributes: [String: Attribute] = [:], inputs: [TensorData?], outputCount: Int,
                      opset: Int = 17, requireGPU: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws -> OperatorHarness.Outcome {
        let node = Node(name: "test_\(opType)", opType: opType, inputs: inputs.indices.map { inputs[$0] == nil ? "" : "in\($0)" },
                        outputs: (0..<outputCount).map { "out\($0)" }, attributes: attributes)
        return try run(node, opset: opset, inputs: inputs, requireGPU: requireGPU, sourceLocation: sourceLocation)
    }

    /// Builds `node`'s operator, runs the CPU reference and (where it accepts) the GPU kernel.
    /// Plan-time inputs are presented as constants; `constantInputs` adds more.
    static func run(_ node: Node, opset: Int, inputs: [TensorData?], constantInputs: Set<Int> = [], requireGPU: Bool,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> OperatorHarness.Outcome {
        guard let registration = OperatorRegistry.lookup(node.opType, opset: opset) else {
            throw OperatorError.invalid("no registration for \(node.opType) at opset \(opset)")
        }
        let op = try registration.make(node, opset)
        let planInputs = inputs.enumerated().map { i, data in
            data.map { PlanInput(spec: TensorSpec($0.dataType, $0.dims), constant: constantInputs.contains(i) || op.planTimeInputs.contains(i) ? $0 : nil) }
        }
        let specs = try op.outputSpecs(planInputs)
        let cpu = try op.computeCPU(inputs, outputs: specs)
        #expect(cpu.map { TensorSpec($0.dataType, $0.dims) } == specs, "CPU outputs disagree with outputSpecs", sourceLocation: sourceLocation)
        if op.aliasedInput != nil { return OperatorHarness.Outcome(cpu: cpu, gpu: nil, gpuReason: "alias") }
        if let reason = op.gpuUnsupportedReason(planInputs, outputs: specs, device: OperatorHarness.context.capabilities) {
            if requireGPU { Issue.record("GPU declined \(node.opType): \(reason)", sourceLocation: sourceLocation) }
            return OperatorHarness.Outcome(cpu: cpu, gpu: nil, gpuReason: reason)
        }
        let gpu = try OperatorHarness.runGPU(op, inputs: inputs, specs: specs, constants: planInputs.map { $0?.constant })
        for (index, (c, g)) in zip(cpu, gpu).enumerated() {
            OperatorHarness.expectClose(g, c, what: "\(node.opType) output \(index) GPU vs CPU", sourceLocation: sourceLocation)
        }
        let messages = OperatorHarness.context.validation?.drain() ?? []
        #expect(messages.isEmpty, "validation: \(messages)", sourceLocation: sourceLocation)
        return OperatorHarness.Outcome(cpu: cpu, gpu: gpu, gpuReason: nil)
    }

    /// The operator for a one-node test, for tests that call its methods directly.
    static func make(_ opType: String, attributes: [String: Attribute] = [:], inputCount: Int, outputCount: Int = 1, opset: Int = 17) throws -> any Operator {
        let node = Node(name: "test_\(opType)", opType: opType, inputs: (0..<inputCount).map { "in\($0)" },
                        outputs: (0..<outputCount).map { "out\($0)" }, attributes: attributes)
        guard let registration = OperatorRegistry.lookup(opType, opset: opset) else { throw OperatorError.invalid("no \(opType) at \(opset)") }
        return try registration.make(node, opset)
    }

    /// The message of the error `body` throws, or nil.
    static func errorMessage(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return (error as? any LocalizedError)?.errorDescription ?? "\(error)" }
    }
}
