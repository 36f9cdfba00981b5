import GPUCore

/// Constant and ConstantOfShape. Their values are known when planning, so they have no GPU kernel:
/// the planner folds them into constants (uploaded once like initializers).
public struct ConstantOperator: Operator {
    enum Form: Sendable {
        case value(TensorData)
        /// ConstantOfShape: input 0 is the shape; every element is this one-element tensor's value.
        case ofShape(TensorData)
    }
    let form: Form

    public static var registrations: [OperatorRegistration] {
        [
            OperatorRegistration("Constant", opsets: 1...21, types: allTypes, gpu: .none) { node, _ in
                ConstantOperator(form: .value(try constantValue(node)))
            },
            OperatorRegistration("ConstantOfShape", opsets: 9...21, types: allTypes, gpu: .none) { node, _ in
                let value = node.hasAttribute("value") ? try node.tensor("value") : try TensorData([Float(0)], dims: [1])
                guard value.elementCount == 1 else {
                    throw ModelError.invalidAttributeValue(node: node.label, attribute: "value",
                                                           reason: "must hold exactly one element, not \(value.elementCount)")
                }
                return ConstantOperator(form: .ofShape(value))
            },
        ]
    }

    /// Exactly one of value, value_float(s), value_int(s) (sparse and string values are not supported).
    static func constantValue(_ node: Node) throws -> TensorData {
        let given = ["value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings", "sparse_value"]
            .filter(node.hasAttribute)
        guard given.count == 1, let name = given.first else {
            throw ModelError.invalidAttributeValue(node: node.label, attribute: "value",
                                                   reason: "a Constant needs exactly one value attribute, found \(given.isEmpty ? "none" : given.joined(separator: ", "))")
        }
        switch name {
        case "value": return try node.tensor(name)
        case "value_float": return try TensorData([try node.float(name)], dims: [])
        case "value_floats": let v = try node.floats(name); return try TensorData(v, dims: [v.count])
        case "value_int": return try TensorData([Int64(try node.int(name))], dims: [])
        case "value_ints": let v = try node.ints(name).map { Int64($0) }; return try TensorData(v, dims: [v.count])
        default:
            throw ModelError.unsupportedAttribute(node: node.label, attribute: name, reason: "Sluice has no string or sparse tensors")
        }
    }

    public var planTimeInputs: [Int] {
        if case .ofShape = form { return [0] }
        return []
    }

    public func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec] {
        switch form {
        case .value(let value):
            return [TensorSpec(value.dataType, value.dims)]
        case .ofShape(let value):
            guard let shape = try planValue(inputs, 0, "ConstantOfShape's shape").map(integers) else { throw OperatorError.missingInput(0) }
            guard ShapeMath.elementCount(shape) != nil else {
                throw OperatorError.invalid("ConstantOfShape shape \(shape) has a negative dim or too many elements")
            }
            return [TensorSpec(value.dataType, shape)]
        }
    }

    public func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData] {
        switch form {
        case .value(let value):
            return [value]
        case .ofShape(let value):
            return [try value.gathering([Int](repeating: 0, count: outputs[0].elementCount), dims: outputs[0].dims)]
        }
    }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        "known when planning: the planner folds it into a constant"
    }
}
