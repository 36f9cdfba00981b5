import Foundation

/// Why a model or tensor file could not be loaded. Every case names what is wrong (file, tensor,
/// node with its operator, limit) so the message alone tells a user what to fix.
public enum ModelError: Error, LocalizedError, Equatable {
    case fileUnreadable(path: String, reason: String)
    case fileUnwritable(path: String, reason: String)
    case modelTooLarge(path: String, bytes: Int, limit: Int)
    case nestingTooDeep(depth: Int, limit: Int)
    case malformedProtobuf(reason: String)
    case missingGraph
    case unsupportedOpset(domain: String, version: Int, supported: ClosedRange<Int>)
    case missingDefaultOpset
    /// `tensor` describes where the tensor sits (`initializer 'w' of graph 'main'`).
    case unsupportedDataType(tensor: String, typeName: String)
    case invalidTensor(tensor: String, reason: String)
    case tensorTooLarge(tensor: String, elements: Int, limit: Int)
    case totalTensorBytesExceeded(tensor: String, total: Int, limit: Int)
    case externalData(tensor: String, location: String, reason: String)
    case tooManyNodes(count: Int, limit: Int)
    case invalidValueInfo(value: String, graph: String, reason: String)
    /// `nodes` are node labels; each needs an output of the next, and the last needs the first's.
    case cycle(graph: String, nodes: [String])
    case missingInput(node: String, input: String, graph: String)
    case missingGraphOutput(output: String, graph: String)
    case duplicateProducer(value: String, producers: [String], graph: String)
    case unsupportedAttribute(node: String, attribute: String, reason: String)
    case missingAttribute(node: String, attribute: String)
    case attributeTypeMismatch(node: String, attribute: String, expected: String, actual: String)
    case invalidAttributeValue(node: String, attribute: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .fileUnreadable(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .fileUnwritable(path, reason):
            return "cannot write '\(path)': \(reason)"
        case let .modelTooLarge(path, bytes, limit):
            return "'\(path)' is \(bytes) bytes, over the \(limit)-byte limit (LoaderLimits.maxModelBytes); "
                + "raise the limit or store the weights as external data"
        case let .nestingTooDeep(depth, limit):
            return "protobuf messages are nested \(depth) deep, over the limit of \(limit) "
                + "(LoaderLimits.maxNestingDepth); raise it only for a model you trust"
        case let .malformedProtobuf(reason):
            return "not a valid ONNX protobuf file: \(reason)"
        case .missingGraph:
            return "the model has no graph"
        case let .unsupportedOpset(domain, version, supported):
            let name = domain.isEmpty ? "ai.onnx" : domain
            return "the model imports opset \(version) of domain '\(name)'; Sluice supports opsets "
                + "\(supported.lowerBound)...\(supported.upperBound): convert the model with "
                + "onnx.version_converter to a supported opset"
        case .missingDefaultOpset:
            return "the model imports no version of the default 'ai.onnx' operator set (opset_import)"
        case let .unsupportedDataType(tensor, typeName):
            return "\(tensor) has element type \(typeName), which Sluice does not support "
                + "(supported: \(OnnxTypeNames.supportedList))"
        case let .invalidTensor(tensor, reason):
            return "\(tensor) is invalid: \(reason)"
        case let .tensorTooLarge(tensor, elements, limit):
            return "\(tensor) has \(elements) elements, over the limit of \(limit) "
                + "(LoaderLimits.maxTensorElements)"
        case let .totalTensorBytesExceeded(tensor, total, limit):
            return "loading \(tensor) brings the model's tensors to \(total) bytes, over the limit of "
                + "\(limit) (LoaderLimits.maxTotalInitializerBytes)"
        case let .externalData(tensor, location, reason):
            return "external data '\(location)' of \(tensor): \(reason)"
        case let .tooManyNodes(count, limit):
            return "the model has at least \(count) nodes, over the limit of \(limit) (LoaderLimits.maxGraphNodes)"
        case let .invalidValueInfo(value, graph, reason):
            return "value '\(value)' of graph '\(graph)': \(reason)"
        case let .cycle(graph, nodes):
            let path = (nodes + nodes.prefix(1)).joined(separator: " → ")
            return "graph '\(graph)' has a cycle (each node needs an output of the next): \(path)"
        case let .missingInput(node, input, graph):
            return "\(node) in graph '\(graph)' reads '\(input)', which no node, initializer or graph input "
                + "produces (a missing initializer?)"
        case let .missingGraphOutput(output, graph):
            return "graph '\(graph)' declares output '\(output)', which no node, initializer or input produces"
        case let .duplicateProducer(value, producers, graph):
            return "value '\(value)' in graph '\(graph)' has more than one producer: "
                + producers.joined(separator: ", ")
        case let .unsupportedAttribute(node, attribute, reason):
            return "attribute '\(attribute)' of \(node): \(reason)"
        case let .missingAttribute(node, attribute):
            return "\(node) needs attribute '\(attribute)', which the model does not set"
        case let .attributeTypeMismatch(node, attribute, expected, actual):
            return "attribute '\(attribute)' of \(node) is \(actual) but must be \(expected)"
        case let .invalidAttributeValue(node, attribute, reason):
            return "attribute '\(attribute)' of \(node): \(reason)"
        }
    }
}
