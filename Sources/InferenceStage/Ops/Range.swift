import GPUCore

/// Range(start, limit, delta): its length depends on input values, so all three are plan-time
/// inputs and the result is known when planning: no GPU kernel, the planner folds it.
public struct RangeOperator: Operator {
    /// A guard against a model asking for an absurd length (a typo'd limit or a tiny float delta).
    static let maxElements = 1 << 31
    static let types: [DataType] = [.float32, .float16, .int32, .int64]

    public static var registrations: [OperatorRegistration] {
        [OperatorRegistration("Range", opsets: 11...21, types: types, gpu: .none) { _, _ in RangeOperator() }]
    }

    public var planTimeInputs: [Int] { [0, 1, 2] }

    func scalars(_ inputs: [TensorData?]) throws -> (TensorData, TensorData, TensorData) {
        var values: [TensorData] = []
        for (i, name) in ["start", "limit", "delta"].enumerated() {
            guard let v = present(inputs, i) else { throw OperatorError.missingInput(i) }
            guard v.elementCount == 1 else { throw OperatorError.invalid("Range \(name) must be a scalar, not \(v.dims)") }
            guard v.dataType == values.first?.dataType ?? v.dataType else {
                throw OperatorError.invalid("Range inputs differ in type: start is \(values[0].dataType), \(name) is \(v.dataType)")
            }
            values.append(v)
        }
        return (values[0], values[1], values[2])
    }

    func count(_ inputs: [TensorData?]) throws -> Int {
        let (start, limit, delta) = try scalars(inputs)
        let n: Double
        if start.dataType.isFloatingPoint {
            let (s, l, d) = (Double(start.floats()[0]), Double(limit.floats()[0]), Double(delta.floats()[0]))
            guard d != 0, d.isFinite, s.isFinite, l.isFinite else { throw OperatorError.invalid("Range needs finite values and a non-zero delta, not start \(s) limit \(l) delta \(d)") }
            n = ((l - s) / d).rounded(.up)
        } else {
            let (s, l, d) = (start.int64s()[0], limit.int64s()[0], delta.int64s()[0])
            guard d != 0 else { throw OperatorError.invalid("Range delta is 0") }
            n = ((Double(l) - Double(s)) / Double(d)).rounded(.up)
        }
        guard n <= Double(Self.maxElements) else { throw OperatorError.invalid("Range would have \(n) elements, more than \(Self.maxElements)") }
        return n <= 0 ? 0 : Int(n)
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        let values = try (0..<3).map { try planValue(inputs, $0, "Range's \(["start", "limit", "delta"][$0])") }
        guard let type = values[0]?.dataType else { throw OperatorError.missingInput(0) }
        guard Self.types.contains(type) else { throw OperatorError.unsupportedType(input: 0, type) }
        return [TensorSpec(type, [try count(values)])]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        let (start, _, delta) = try scalars(inputs)
        let n = try count(inputs)
        if start.dataType.isFloatingPoint {
            let s = start.floats()[0], d = delta.floats()[0]
            return [try TensorData(floats: (0..<n).map { s + Float($0) * d }, dims: [n], as: start.dataType)]
        }
        let s = start.int64s()[0], d = delta.int64s()[0]
        return [try TensorData(int64s: (0..<n).map { s &+ Int64($0) &* d }, dims: [n], as: start.dataType)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        "known when planning: the planner folds it into a constant"
    }
}
