import GPUCore

/// Shape (with opset 15's start/end) and Size. Their results depend only on dims, which are known
/// when planning, so they have no GPU kernel: the planner folds them into constants.
public struct ShapeOperator: Operator {
    enum Form: Sendable { case shape(start: Int, end: Int?), size }
    let form: Form

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("Shape", opsets: 1...21, types: allTypes, gpu: .none) { node, opset in
                guard opset >= 15 else { return ShapeOperator(form: .shape(start: 0, end: nil)) }
                return ShapeOperator(form: .shape(start: try node.int("start", default: 0),
                                                  end: node.hasAttribute("end") ? try node.int("end") : nil))
            },
            OperatorRegistration("Size", opsets: 1...21, types: allTypes, gpu: .none) { _, _ in ShapeOperator(form: .size) },
        ]
    }

    /// The dims Shape reports: start and end count from the back when negative and are clamped.
    func values(_ dims: [Int]) -> [Int64] {
        switch form {
        case .size:
            return [Int64(dims.reduce(1, *))]
        case let .shape(start, end):
            let rank = dims.count
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
            let s = clamp(start), e = clamp(end ?? rank)
            return s < e ? dims[s..<e].map { Int64($0) } : []
        }
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        if case .size = form { return [TensorSpec(.int64, [])] }
        return [TensorSpec(.int64, [values(x.spec.dims).count])]
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        return [try TensorData(values(x.dims), dims: outputs[0].dims)]
    }

    public func valuesFromSpecs(_ inputs: [PlanInput?]) throws -> [TensorData]? {
        guard let x = present(inputs, 0) else { throw OperatorError.missingInput(0) }
        let values = self.values(x.spec.dims)
        return [try TensorData(values, dims: try outputSpecs(inputs)[0].dims)]
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        "known when planning: the planner folds it into a constant"
    }
}
