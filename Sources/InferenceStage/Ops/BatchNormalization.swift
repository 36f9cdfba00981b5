import Foundation
import GPUCore

/// BatchNormalization in inference mode: Y = (X − mean) / sqrt(var + epsilon) · scale + B, with
/// X [N, C, D1…]. Parameters are per channel ([C]); opsets 7 and 8 with spatial = 0 take them per
/// channel and position ([C, D1…]). Training (training_mode = 1, or the running-statistics
/// outputs that opsets before 14 compute in training) is refused when the node is built.
public struct BatchNormalizationOperator: Operator {
    public let epsilon: Float
    /// false: parameters are [C, D1…] (opsets 7 and 8, spatial = 0).
    public let spatial: Bool

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("BatchNormalization", opsets: 7...21, types: floatTypes, gpu: .some("float32")) { node, opset in
            try BatchNormalizationOperator(node: node, opset: opset)
        }]
    }

    public init(node: Node, opset: Int) throws {
        epsilon = try node.float("epsilon", default: 1e-5)
        guard epsilon >= 0 else {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "epsilon", reason: "must be ≥ 0, got \(epsilon)")
        }
        spatial = opset < 9 ? try node.int("spatial", default: 1) != 0 : true
        let training = opset >= 14 ? try node.int("training_mode", default: 0) : 0
        let trainingOutputs = node.outputs.dropFirst().filter { !$0.isEmpty }
        if training != 0 || !trainingOutputs.isEmpty {
            let what = training != 0 ? "training_mode = 1" : "training outputs \(trainingOutputs)"
            throw ModelError.unsupportedAttribute(node: node.label, attribute: training != 0 ? "training_mode" : "outputs",
                                                  reason: "\(what): only inference is supported (Y from the running mean and variance); export the model in eval mode")
        }
    }

    /// Dims each parameter must have for input dims `x`.
    func parameterDims(_ x: [Int]) -> [Int] { spatial ? [x[1]] : Array(x.dropFirst()) }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first??.spec else { throw OperatorError.missingInput(0) }
        guard x.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.dataType) }
        guard x.rank >= 2 else { throw OperatorError.invalid("X \(x.dims) needs rank ≥ 2 (N, C, …)") }
        guard inputs.count == 5 else { throw OperatorError.invalid("BatchNormalization takes 5 inputs (X, scale, B, mean, var), got \(inputs.count)") }
        let expected = parameterDims(x.dims)
        for (index, name) in [(1, "scale"), (2, "B"), (3, "input_mean"), (4, "input_var")] {
            guard let spec = inputs[index]?.spec else { throw OperatorError.missingInput(index) }
            // ONNX allows parameters in a different float type from X (opset 15); all are read as floats.
            // Per-position parameters (spatial = 0) are only checked by count: exporters flatten them.
            let fits = spatial ? spec.dims == expected : spec.elementCount == expected.reduce(1, *)
            guard spec.dataType.isFloatingPoint, fits else {
                throw OperatorError.invalid("\(name) is \(spec) but X \(x.dims) needs \(expected)")
            }
        }
        return [x]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let xData = inputs[0] else { throw OperatorError.missingInput(0) }
        let parameters = try (1...4).map { index -> [Float] in
            guard let value = inputs[index] else { throw OperatorError.missingInput(index) }
            return value.floats()
        }
        let (scale, bias, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        let x = xData.floats()
        let channels = xData.dims[1]
        let inner = xData.dims.dropFirst(2).reduce(1, *)
        let y = x.indices.map { i in
            let p = spatial ? (i / inner) % channels : i % (channels * inner)
            return (x[i] - mean[p]) / (variance[p] + epsilon).squareRoot() * scale[p] + bias[p]
        }
        return [try TensorData(floats: y, dims: xData.dims, as: xData.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard inputs.prefix(5).allSatisfy({ $0?.spec.dataType == .float32 }) else { return "GPU kernel takes float32 X and parameters" }
        return KernelLimits.reason(inputs.compactMap { $0?.spec } + outputs, device: device)
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs[0] else { throw OperatorError.missingInput(0) }
        let parameters = try (1...4).map { index -> GPUValue in
            guard let value = inputs[index] else { throw OperatorError.missingInput(index) }
            return value
        }
        let kernel = try encoder.kernel("batchnorm.comp", bindings: 6, pushBytes: 20)
        var push = PushConstants()
        push.append(x.spec.elementCount)
        push.append(x.spec.dims[1])
        push.append(x.spec.dims.dropFirst(2).reduce(1, *))
        push.append(spatial ? 1 : 0)
        push.append(epsilon)
        try encoder.dispatch(kernel, [x.read] + parameters.map(\.read) + [outputs[0].write], push: push, count: x.spec.elementCount)
    }
}
