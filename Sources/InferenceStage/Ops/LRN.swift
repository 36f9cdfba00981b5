import Foundation
import GPUCore

/// Local response normalisation across channels (ONNX formula):
/// `y = x / (bias + alpha / size · Σ x²)^beta`, the sum over channels
/// `[c - ⌊(size-1)/2⌋, c + ⌈(size-1)/2⌉]` clipped to the tensor.
public struct LRNOperator: Operator {
    public let size: Int
    public let alpha: Float
    public let beta: Float
    public let bias: Float

    public init(size: Int, alpha: Float = 0.0001, beta: Float = 0.75, bias: Float = 1) {
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
    }

    init(node: Node) throws {
        let size = try node.int("size")
        guard size > 0 else {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "size", reason: "must be positive, got \(size)")
        }
        self.init(size: size, alpha: try node.float("alpha", default: 0.0001), beta: try node.float("beta", default: 0.75),
                  bias: try node.float("bias", default: 1))
    }

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("LRN", opsets: 1...21, types: floatTypes, gpu: .some("float32")) { node, _ in try LRNOperator(node: node) }]
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard x.spec.dataType.isFloatingPoint else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        guard x.spec.rank >= 2 else { throw OperatorError.invalid("LRN needs an input [N, C, ...], got \(x.spec.dims)") }
        return [x.spec]
    }

    /// Channel window of channel `c` among `channels`.
    func window(_ c: Int, channels: Int) -> ClosedRange<Int> {
        let below = (size - 1) / 2
        return Swift.max(c - below, 0)...Swift.min(c + (size - 1 - below), channels - 1)
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        _ = try outputSpecs([PlanInput(spec: TensorSpec(x.dataType, x.dims))])
        let values = x.floats()
        let channels = x.dims[1], inner = x.dims.dropFirst(2).reduce(1, *)
        var result = [Float](repeating: 0, count: values.count)
        for i in values.indices {
            let c = (i / inner) % channels
            let channelZero = i - c * inner
            let squares = window(c, channels: channels).reduce(Float(0)) { sum, j in
                let v = values[channelZero + j * inner]
                return sum + v * v
            }
            result[i] = values[i] / pow(bias + alpha / Float(size) * squares, beta)
        }
        return [try TensorData(floats: result, dims: x.dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let x = inputs.first ?? nil, x.spec.dataType == .float32 else { return "GPU kernel takes float32 input" }
        return x.spec.elementCount > Int(UInt32.max) ? "tensor too large for 32-bit GPU indexing" : nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = inputs.first ?? nil else { throw OperatorError.missingInput(0) }
        guard x.spec.elementCount > 0, x.spec.rank >= 2 else { return }
        let kernel = try encoder.kernel("lrn.comp", bindings: 2, pushBytes: 28)
        var push = PushConstants()
        push.append(x.spec.elementCount); push.append(x.spec.dims[1]); push.append(x.spec.dims.dropFirst(2).reduce(1, *))
        push.append(size); push.append(alpha); push.append(beta); push.append(bias)
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: x.spec.elementCount)
    }
}
