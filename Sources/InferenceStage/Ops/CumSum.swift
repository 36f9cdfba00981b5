import GPUCore

/// CumSum along the plan-time axis input, with `exclusive` and `reverse`. GPU: float32.
public struct CumSumOperator: Operator {
    let exclusive: Bool
    let reverse: Bool

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("CumSum", opsets: 11...21, types: [.float32, .float16, .int32, .int64], gpu: .some("float32")) { node, _ in
            CumSumOperator(exclusive: try node.int("exclusive", default: 0) != 0, reverse: try node.int("reverse", default: 0) != 0)
        }]
    }

    public var planTimeInputs: [Int] { [1] }

    struct Lines { var outer: Int, axisSize: Int, inner: Int }

    func lines(_ dims: [Int], axis: TensorData?) throws -> Lines {
        guard let axis else { throw OperatorError.missingInput(1) }
        guard axis.elementCount == 1, let value = axis.int64s().first else {
            throw OperatorError.invalid("CumSum's axis must be a single value, not \(axis.dims)")
        }
        guard !dims.isEmpty else { throw OperatorError.invalid("CumSum needs rank 1 or more, not a scalar") }
        let a = try Shapes.normalizeAxis(Int(value), rank: dims.count)
        return Lines(outer: dims[..<a].reduce(1, *), axisSize: dims[a], inner: dims[(a + 1)...].reduce(1, *))
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        guard [.float32, .float16, .int32, .int64].contains(x.spec.dataType) else { throw OperatorError.unsupportedType(input: 0, x.spec.dataType) }
        _ = try lines(x.spec.dims, axis: planValue(inputs, 1, "CumSum's axis"))
        return [x.spec]
    }

    /// The running sums of `values` along the lines, in place.
    func scan<T>(_ values: inout [T], _ l: Lines, zero: T, add: (T, T) -> T) {
        for outer in 0..<l.outer {
            for k in 0..<l.inner {
                var sum = zero
                for step in 0..<l.axisSize {
                    let j = reverse ? l.axisSize - 1 - step : step
                    let at = (outer * l.axisSize + j) * l.inner + k
                    let x = values[at]
                    if exclusive { values[at] = sum; sum = add(sum, x) } else { sum = add(sum, x); values[at] = sum }
                }
            }
        }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let l = try lines(x.dims, axis: present(inputs, 1))
        if x.dataType.isFloatingPoint {
            var values = x.floats()
            scan(&values, l, zero: 0, add: +)
            return [try TensorData(floats: values, dims: x.dims, as: x.dataType)]
        }
        var values = x.int64s()
        scan(&values, l, zero: 0, add: &+)
        return [try TensorData(int64s: values, dims: x.dims, as: x.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        outputs[0].dataType == .float32 ? nil : "GPU kernel is float32 only"
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let l = try lines(x.spec.dims, axis: present(constants, 1))
        let kernel = try encoder.kernel("cumsum.comp", bindings: 2, pushBytes: 20)
        var push = PushConstants()
        push.append(l.outer * l.inner); push.append(l.axisSize); push.append(l.inner)
        push.append(UInt32(exclusive ? 1 : 0)); push.append(UInt32(reverse ? 1 : 0))
        try encoder.dispatch(kernel, [x.read, outputs[0].write], push: push, count: l.outer * l.inner)
    }
}
