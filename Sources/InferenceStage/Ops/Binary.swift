import Foundation
import GPUCore

/// Two-input elementwise operators with numpy broadcasting: arithmetic (float and integer) and
/// comparisons (bool output). The GPU kernel covers float32 inputs.
public struct BinaryOperator: Operator {
    public enum Result: Sendable { case sameAsInput, bool }

    public struct Kind: Sendable {
        public let opType: String
        public let glsl: String
        public let result: Result
        public let float: @Sendable (Float, Float) -> Float
        public let integer: (@Sendable (Int64, Int64) throws -> Int64)?
    }

    public let kind: Kind

    static func bool(_ b: Bool) -> Float { b ? 1 : 0 }

    public static let kinds: [Kind] = [
        Kind(opType: "Add", glsl: "a + b", result: .sameAsInput, float: { $0 + $1 }, integer: { $0 &+ $1 }),
        // Sum is variadic in ONNX; the two-input form (ResNet's and ShuffleNet's residual adds) is Add.
        Kind(opType: "Sum", glsl: "a + b", result: .sameAsInput, float: { $0 + $1 }, integer: { $0 &+ $1 }),
        Kind(opType: "Sub", glsl: "a - b", result: .sameAsInput, float: { $0 - $1 }, integer: { $0 &- $1 }),
        Kind(opType: "Mul", glsl: "a * b", result: .sameAsInput, float: { $0 * $1 }, integer: { $0 &* $1 }),
        Kind(opType: "Div", glsl: "a / b", result: .sameAsInput, float: { $0 / $1 }, integer: { a, b in
            guard b != 0 else { throw OperatorError.invalid("integer division by zero") }
            return a / b
        }),
        // pow with a negative base is defined for integral exponents (ONNX follows numpy).
        Kind(opType: "Pow", glsl: "(b == floor(b) ? (mod(b, 2.0) == 0.0 ? pow(abs(a), b) : sign(a) * pow(abs(a), b)) : pow(a, b))",
             result: .sameAsInput, float: { Foundation.pow($0, $1) }, integer: nil),
        Kind(opType: "Max", glsl: "(a > b ? a : b)", result: .sameAsInput, float: { max($0, $1) }, integer: { max($0, $1) }),
        Kind(opType: "Min", glsl: "(a < b ? a : b)", result: .sameAsInput, float: { min($0, $1) }, integer: { min($0, $1) }),
        Kind(opType: "Equal", glsl: "a == b", result: .bool, float: { bool($0 == $1) }, integer: { $0 == $1 ? 1 : 0 }),
        Kind(opType: "Less", glsl: "a < b", result: .bool, float: { bool($0 < $1) }, integer: { $0 < $1 ? 1 : 0 }),
        Kind(opType: "LessOrEqual", glsl: "a <= b", result: .bool, float: { bool($0 <= $1) }, integer: { $0 <= $1 ? 1 : 0 }),
        Kind(opType: "Greater", glsl: "a > b", result: .bool, float: { bool($0 > $1) }, integer: { $0 > $1 ? 1 : 0 }),
        Kind(opType: "GreaterOrEqual", glsl: "a >= b", result: .bool, float: { bool($0 >= $1) }, integer: { $0 >= $1 ? 1 : 0 }),
        Kind(opType: "And", glsl: "a != ZERO && b != ZERO", result: .bool, float: { bool($0 != 0 && $1 != 0) }, integer: { ($0 != 0 && $1 != 0) ? 1 : 0 }),
        Kind(opType: "Or", glsl: "a != ZERO || b != ZERO", result: .bool, float: { bool($0 != 0 || $1 != 0) }, integer: { ($0 != 0 || $1 != 0) ? 1 : 0 }),
        Kind(opType: "Xor", glsl: "(a != ZERO) != (b != ZERO)", result: .bool, float: { bool(($0 != 0) != ($1 != 0)) }, integer: { (($0 != 0) != ($1 != 0)) ? 1 : 0 }),
    ]

    public static var registrations: [OperatorRegistration] {
        kinds.map { kind in
            OperatorRegistration(kind.opType, opsets: 7...21, types: allTypes, gpu: .some("float32 inputs")) { _, _ in
                BinaryOperator(kind: kind)
            }
        }
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard inputs.count == 2, let a = inputs[0], let b = inputs[1] else {
            throw OperatorError.invalid("\(kind.opType) takes two inputs here, got \(inputs.count) (variadic forms are not supported)")
        }
        guard a.spec.dataType == b.spec.dataType else {
            throw OperatorError.invalid("input types differ: \(a.spec.dataType) and \(b.spec.dataType)")
        }
        guard let dims = Shapes.broadcast(a.spec.dims, b.spec.dims) else {
            throw OperatorError.invalid("shapes \(a.spec.dims) and \(b.spec.dims) cannot be broadcast together")
        }
        if kind.integer == nil && !a.spec.dataType.isFloatingPoint {
            throw OperatorError.unsupportedType(input: 0, a.spec.dataType)
        }
        return [TensorSpec(kind.result == .bool ? .bool : a.spec.dataType, dims)]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let a = inputs[0], let b = inputs[1] else { throw OperatorError.missingInput(inputs[0] == nil ? 0 : 1) }
        let dims = outputs[0].dims
        let ai = Shapes.offsets(dims: dims, strides: Shapes.broadcastStrides(a.dims, to: dims))
        let bi = Shapes.offsets(dims: dims, strides: Shapes.broadcastStrides(b.dims, to: dims))
        if a.dataType.isFloatingPoint {
            let av = a.floats(), bv = b.floats()
            let values = zip(ai, bi).map { kind.float(av[$0], bv[$1]) }
            return kind.result == .bool
                ? [try TensorData(int64s: values.map { Int64($0) }, dims: dims, as: .bool)]
                : [try TensorData(floats: values, dims: dims, as: a.dataType)]
        }
        guard let integer = kind.integer else { throw OperatorError.unsupportedType(input: 0, a.dataType) }
        let av = a.int64s(), bv = b.int64s()
        let values = try zip(ai, bi).map { try integer(av[$0], bv[$1]) }
        return [try TensorData(int64s: values, dims: dims, as: kind.result == .bool ? .bool : a.dataType)]
    }

    /// Integer and bool inputs run on the GPU for comparisons, logic, and exact integer
    /// arithmetic (Add, Sub, Mul, Max, Min wrap like the CPU's &+ &- &*; Div and Pow stay on the CPU).
    static let integerGPUOps: Set<String> = ["Add", "Sub", "Mul", "Max", "Min", "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Xor"]

    func inputDefine(_ type: DataType) -> String? {
        switch type {
        case .float32: return ""
        case .int64: return "IN_INT64"
        case .int32: return "IN_INT32"
        case .bool, .uint8: return "IN_U8"
        default: return nil
        }
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        guard let type = inputs[0]?.spec.dataType, inputDefine(type) != nil else {
            return "GPU kernel takes float32, int32, int64, bool or uint8 inputs, not \(inputs[0]?.spec.dataType.description ?? "none")"
        }
        if type != .float32 && !Self.integerGPUOps.contains(kind.opType) { return "\(kind.opType) on \(type) runs on the CPU" }
        if type == .int64 && !device.shaderInt64 { return "device lacks 64-bit integers in shaders" }
        if type == .uint8 && kind.result != .bool && !["Max", "Min"].contains(kind.opType) { return "uint8 arithmetic wraps differently on the GPU" }
        if outputs[0].rank > 6 { return "rank \(outputs[0].rank) exceeds 6" }
        if (kind.result == .bool || type.byteSize == 1) && !device.storageBuffer8Bit { return "device lacks 8-bit storage for bool/uint8 tensors" }
        return nil
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let a = inputs[0], let b = inputs[1] else { throw OperatorError.missingInput(0) }
        let out = outputs[0]
        var defines = ["OP": kind.glsl]
        if kind.result == .bool { defines["OUT_BOOL"] = "" }
        if let input = inputDefine(a.spec.dataType), !input.isEmpty { defines[input] = "" }
        let kernel = try encoder.kernel("binary.comp", defines, bindings: 3, pushBytes: 80)
        let dims = out.spec.dims.isEmpty ? [1] : out.spec.dims
        let aStrides = Shapes.broadcastStrides(a.spec.dims, to: out.spec.dims)
        let bStrides = Shapes.broadcastStrides(b.spec.dims, to: out.spec.dims)
        var push = PushConstants()
        push.append(out.spec.elementCount); push.append(dims.count)
        for array in [dims, out.spec.dims.isEmpty ? [0] : aStrides, out.spec.dims.isEmpty ? [0] : bStrides] {
            for i in 0..<6 { push.append(i < array.count ? array[i] : 0) }
        }
        try encoder.dispatch(kernel, [a.read, b.read, out.write], push: push, count: out.spec.elementCount)
    }
}
