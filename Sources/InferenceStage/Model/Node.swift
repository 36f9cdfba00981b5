import GPUCore

/// One operator application. Constant nodes stay nodes; folding them is a pass's job.
public struct Node: Sendable, Equatable {
    public var name: String
    public var opType: String
    /// Operator-set domain; `""` for the default ONNX domain.
    public var domain: String
    /// Input value names in operator order; `""` marks an optional input that is absent.
    public var inputs: [String]
    /// Output value names; `""` marks an optional output that is not produced.
    public var outputs: [String]
    public var attributes: [String: Attribute]

    public init(
        name: String, opType: String, domain: String = "", inputs: [String], outputs: [String],
        attributes: [String: Attribute] = [:]
    ) {
        self.name = name
        self.opType = opType
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// How errors refer to this node: its name when it has one, else the first value it produces
    /// (exporters often leave node names empty).
    public var label: String {
        if !name.isEmpty { return "node '\(name)' (\(opType))" }
        if let output = outputs.first(where: { !$0.isEmpty }) { return "unnamed \(opType) node producing '\(output)'" }
        return "unnamed \(opType) node"
    }
}

/// A node attribute value. Integers are stored as `Int` (ONNX's int64 on 64-bit platforms).
public enum Attribute: Sendable, Equatable {
    case float(Float)
    case int(Int)
    case string(String)
    case tensor(TensorData)
    case graph(Graph)
    case floats([Float])
    case ints([Int])
    case strings([String])

    /// The ONNX name of this attribute's kind, for error messages.
    public var kindName: String {
        switch self {
        case .float: return "float"
        case .int: return "int"
        case .string: return "string"
        case .tensor: return "tensor"
        case .graph: return "graph"
        case .floats: return "floats"
        case .ints: return "ints"
        case .strings: return "strings"
        }
    }
}
