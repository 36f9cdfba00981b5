import Foundation
import GPUCore

/// InstanceNormalization: for input (N, C, D1, ...), each (n, c) slice over the spatial axes is
/// normalised to zero mean and unit variance, then scaled by scale[c] and shifted by B[c].
public struct InstanceNormalizationOperator: Operator {
    public let epsilon: Float

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("InstanceNormalization", opsets: 1...21, types: floatTypes, gpu: .some("float32")) { node, _ in
            InstanceNormalizationOperator(epsilon: try node.float("epsilon", default: 1e-5))
        }]
    }

    public init(epsilon: Float) { self.epsilon = epsilon }

    /// (rows = N·C, spatial length, channels).
    func layout(_ dims: [Int]) -> (rows: Int, length: Int, channels: Int) {
        (dims[0] * dims[1], dims.dropFirst(2).reduce(1, *), dims[1])
    }

    /// Checks the three inputs' specs: input (N, C, ...), scale [C], B [C], one float type.
    func validate(_ x: TensorSpec, _ scale: TensorSpec, _ bias: TensorSpec) throws {
        guard x.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.dataType) }
        guard x.rank >= 2 else { throw OperatorError.invalid("InstanceNormalization needs an input (N, C, ...) of rank ≥ 2, not \(x.dims)") }
        for (name, input) in [("scale", scale), ("B", bias)] {
            guard input.dataType == x.dataType else {
                throw OperatorError.invalid("\(name) is \(input.dataType) but the input is \(x.dataType)")
            }
            guard input.dims == [x.dims[1]] else {
                throw OperatorError.invalid("\(name) has shape \(input.dims); it must be [C] = [\(x.dims[1])] for input \(x.dims)")
            }
        }
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard inputs.count == 3, let x = inputs[0], let scale = inputs[1], let bias = inputs[2] else {
            throw OperatorError.invalid("InstanceNormalization takes three inputs: input, scale and B")
        }
        try validate(x.spec, scale.spec, bias.spec)
        return [x.spec]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard inputs.count == 3, let x = inputs[0], let scale = inputs[1], let bias = inputs[2] else {
            throw OperatorError.invalid("InstanceNormalization takes three inputs: input, scale and B")
        }
        try validate(TensorSpec(x.dataType, x.dims), TensorSpec(scale.dataType, scale.dims), TensorSpec(bias.dataType, bias.dims))
        let (rows, length, channels) = layout(x.dims)
        let values = x.floats(), scales = scale.floats(), biases = bias.floats()
        var y = [Float](repeating: 0, count: values.count)
        for row in 0..<rows {
            let base = row * length, c = row % channels
            let slice = values[base..<base + length].map { Double($0) }
            let mean = slice.reduce(0, +) / Double(length)
            let variance = slice.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(length)
            let invStd = 1 / (variance + Double(epsilon)).squareRoot()
            for i in 0..<length { y[base + i] = Float((slice[i] - mean) * invStd * Double(scales[c]) + Double(biases[c])) }
        }
        return [try TensorData(floats: y, dims: x.dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        inputs.first??.spec.dataType == .float32 ? nil : "GPU kernel is float32 only"
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard inputs.count == 3, let x = inputs[0], let scale = inputs[1], let bias = inputs[2] else {
            throw OperatorError.invalid("InstanceNormalization takes three inputs: input, scale and B")
        }
        let (rows, length, channels) = layout(x.spec.dims)
        let kernel = NormalizationKernel(rows: rows, length: length, epsilon: epsilon, indexing: .channel(channels: channels))
        try kernel.encode(encoder, x: x, scale: scale, bias: bias, output: outputs[0])
    }
}
