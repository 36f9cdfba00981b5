import COnnxProto
import GPUCore

/// Converts protobuf-c's parsed graph structures into the Swift IR, validating as it goes.
/// One reader serves one load: it carries the tensor budget and node count across the main
/// graph and all subgraphs.
struct ProtoGraphReader {
    var tensors: TensorProtoDecoder
    let maxNodes: Int
    private var nodeCount = 0

    init(tensors: TensorProtoDecoder, maxNodes: Int) {
        self.tensors = tensors
        self.maxNodes = maxNodes
    }

    /// `outerScope` holds the values of enclosing graphs that a subgraph may read (nil for the
    /// main graph). Subgraph inputs and outputs may leave their types to inference, as ONNX allows;
    /// the main graph's must declare them.
    mutating func graph(_ proto: Onnx__GraphProto, outerScope: ValueScope?) throws(ModelError) -> Graph {
        let isMain = outerScope == nil
        let outerScope = outerScope ?? ValueScope()
        let name = CString.string(proto.name)
        guard proto.n_sparse_initializer == 0 else {
            throw .invalidTensor(tensor: "a sparse initializer of graph '\(name)'", reason: "sparse tensors are not supported")
        }
        var initializers: [String: TensorData] = [:]
        for tensor in CArray.messages(proto.initializer, proto.n_initializer) {
            let tensorName = CString.string(tensor.pointee.name)
            let origin = "initializer '\(tensorName)' of graph '\(name)'"
            guard initializers[tensorName] == nil else {
                throw .invalidTensor(tensor: origin, reason: "the graph has two initializers of this name")
            }
            initializers[tensorName] = try tensors.decode(tensor.pointee, origin: origin)
        }
        let inputs = try CArray.messages(proto.input, proto.n_input).map { (info) throws(ModelError) in
            try ValueInfoReader.read(info.pointee, graph: name, required: isMain)
        }
        let outputs = try CArray.messages(proto.output, proto.n_output).map { (info) throws(ModelError) in
            try ValueInfoReader.read(info.pointee, graph: name, required: isMain)
        }
        var valueInfo: [String: ValueInfo] = [:]
        for info in CArray.messages(proto.value_info, proto.n_value_info) {
            let value = try ValueInfoReader.read(info.pointee, graph: name, required: false)
            valueInfo[value.name] = value
        }

        let nodeProtos = CArray.messages(proto.node, proto.n_node)
        nodeCount += nodeProtos.count
        guard nodeCount <= maxNodes else { throw .tooManyNodes(count: nodeCount, limit: maxNodes) }

        // A subgraph may read any value of this graph, whatever the order of nodes in the file.
        var ownValues = Set(inputs.map(\.name)).union(initializers.keys)
        for node in nodeProtos {
            ownValues.formUnion(CArray.values(node.pointee.output, node.pointee.n_output).map(CString.string))
        }
        ownValues.remove("")
        let visibleToSubgraphs = outerScope.adding(ownValues)

        var nodes: [Node] = []
        var captured: [Set<String>] = []
        nodes.reserveCapacity(nodeProtos.count)
        for node in nodeProtos {
            let converted = try self.node(node.pointee, scope: visibleToSubgraphs)
            captured.append(Self.capturedValues(of: converted))
            nodes.append(converted)
        }
        let available = Set(inputs.map(\.name)).union(initializers.keys)
        let ordering = GraphOrdering(graphName: name, available: available, outer: outerScope)
        let sorted = try ordering.sorted(nodes, captured: captured)
        for output in outputs where !ownValues.contains(output.name) && !outerScope.contains(output.name) {
            throw .missingGraphOutput(output: output.name, graph: name)
        }
        return Graph(name: name, nodes: sorted, inputs: inputs, outputs: outputs,
                     initializers: initializers, valueInfo: valueInfo)
    }

    private mutating func node(_ proto: Onnx__NodeProto, scope: ValueScope) throws(ModelError) -> Node {
        var node = Node(
            name: CString.string(proto.name),
            opType: CString.string(proto.op_type),
            domain: OpsetDomain.normalised(CString.string(proto.domain)),
            inputs: CArray.values(proto.input, proto.n_input).map(CString.string),
            outputs: CArray.values(proto.output, proto.n_output).map(CString.string))
        for attribute in CArray.messages(proto.attribute, proto.n_attribute) {
            let attributeName = CString.string(attribute.pointee.name)
            guard node.attributes[attributeName] == nil else {
                throw .invalidAttributeValue(node: node.label, attribute: attributeName, reason: "it is set twice")
            }
            node.attributes[attributeName] = try self.attribute(attribute.pointee, of: node.label, scope: scope)
        }
        return node
    }

    private mutating func attribute(_ proto: Onnx__AttributeProto, of node: String, scope: ValueScope) throws(ModelError) -> Attribute {
        let name = CString.string(proto.name)
        guard CString.string(proto.ref_attr_name).isEmpty else {
            throw .unsupportedAttribute(node: node, attribute: name, reason: "references to function attributes "
                + "(ref_attr_name) are only valid inside functions")
        }
        switch try AttributeKind.of(proto, node: node, name: name) {
        case .float: return .float(proto.f)
        case .int: return .int(Int(proto.i))
        case .string: return .string(CString.string(proto.s))
        case .floats: return .floats(CArray.values(proto.floats, proto.n_floats))
        case .ints: return .ints(CArray.values(proto.ints, proto.n_ints).map { Int($0) })
        case .strings: return .strings(CArray.values(proto.strings, proto.n_strings).map(CString.string))
        case .tensor:
            guard let tensor = proto.t else {
                throw .invalidAttributeValue(node: node, attribute: name, reason: "tensor attribute without a tensor")
            }
            return .tensor(try tensors.decode(tensor.pointee, origin: "tensor of attribute '\(name)' of \(node)"))
        case .graph:
            guard let subgraph = proto.g else {
                throw .invalidAttributeValue(node: node, attribute: name, reason: "graph attribute without a graph")
            }
            return .graph(try graph(subgraph.pointee, outerScope: scope))
        }
    }

    /// Outer values a node's subgraphs read (at any depth), which the node therefore depends on.
    static func capturedValues(of node: Node) -> Set<String> {
        var captured = Set<String>()
        for case .graph(let subgraph) in node.attributes.values {
            captured.formUnion(capturedValues(of: subgraph))
        }
        return captured
    }

    private static func capturedValues(of graph: Graph) -> Set<String> {
        var produced = Set(graph.inputs.map(\.name)).union(graph.initializers.keys)
        var read = Set<String>()
        for node in graph.nodes {
            produced.formUnion(node.outputs)
            read.formUnion(node.inputs)
            read.formUnion(capturedValues(of: node))
        }
        read.formUnion(graph.outputs.map(\.name))
        read.remove("")
        return read.subtracting(produced)
    }
}

/// The attribute kinds the IR holds. Old exporters omit `type`; then the kind follows from the
/// one field that is set.
private enum AttributeKind {
    case float, int, string, tensor, graph, floats, ints, strings

    static func of(_ proto: Onnx__AttributeProto, node: String, name: String) throws(ModelError) -> AttributeKind {
        guard proto.has_type != 0, proto.type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED else {
            return try inferred(proto, node: node, name: name)
        }
        switch proto.type {
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT: return .float
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT: return .int
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: return .string
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: return .tensor
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH: return .graph
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: return .floats
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS: return .ints
        case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: return .strings
        default:
            throw .unsupportedAttribute(node: node, attribute: name, reason: "attribute type \(proto.type.rawValue) "
                + "(tensors, graphs, sparse tensors or type protos) is not supported")
        }
    }

    private static func inferred(_ proto: Onnx__AttributeProto, node: String, name: String) throws(ModelError) -> AttributeKind {
        if proto.t != nil { return .tensor }
        if proto.g != nil { return .graph }
        if proto.n_floats > 0 { return .floats }
        if proto.n_ints > 0 { return .ints }
        if proto.n_strings > 0 { return .strings }
        if proto.has_f != 0 { return .float }
        if proto.has_i != 0 { return .int }
        if proto.has_s != 0 { return .string }
        throw .unsupportedAttribute(node: node, attribute: name, reason: "it has neither a type nor a value")
    }
}
