import GPUCore

/// An ONNX model after loading: plain Swift values with no protobuf types, so passes, shape
/// inference and sessions never see the wire format.
public struct OnnxModel: Sendable, Equatable {
    public var irVersion: Int
    public var producerName: String
    public var producerVersion: String
    /// Operator-set versions by domain. The default ONNX domain is `""` (files that spell it
    /// `ai.onnx` are normalised to `""`).
    public var opsetImports: [String: Int]
    public var graph: Graph

    public init(irVersion: Int, producerName: String, producerVersion: String, opsetImports: [String: Int], graph: Graph) {
        self.irVersion = irVersion
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.opsetImports = opsetImports
        self.graph = graph
    }

    /// The version of the default (`ai.onnx`) operator set.
    public var defaultOpsetVersion: Int? { opsetImports[""] }
}

/// A computation graph. `nodes` are in topological order: every node comes after the producers
/// of its inputs (including values its subgraphs capture from this graph), whatever order the
/// file had.
public struct Graph: Sendable, Equatable {
    public var name: String
    public var nodes: [Node]
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    /// Constant tensors by name. A name may also appear in `inputs` (older models list
    /// initialisers as inputs whose value is a default a caller may override).
    public var initializers: [String: TensorData]
    /// Type and shape hints for intermediate values, by value name.
    public var valueInfo: [String: ValueInfo]

    public init(
        name: String, nodes: [Node], inputs: [ValueInfo], outputs: [ValueInfo],
        initializers: [String: TensorData], valueInfo: [String: ValueInfo]
    ) {
        self.name = name
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.valueInfo = valueInfo
    }
}
