import GPUCore

/// Why a session could not be created or a run failed. Messages name the input, output or node.
public enum InferenceError: Error, LocalizedError, Equatable {
    case unknownOperator(node: String, opType: String, domain: String, opset: Int, knownOpsets: [ClosedRange<Int>])
    case node(node: String, message: String)
    case unknownFeed(name: String, inputs: [String])
    case missingFeed(name: String)
    case feedType(name: String, expected: DataType, given: DataType)
    case feedShape(name: String, expected: String, given: [Int])
    case unknownOutput(name: String, outputs: [String])
    case fetchMismatch(name: String, expected: TensorSpec, given: TensorSpec)
    case fetchNotGPU(name: String)
    case graphCapture(String)
    case noProvider(String)
    case disposedFeed(name: String)

    public var errorDescription: String? {
        switch self {
        case let .unknownOperator(node, opType, domain, opset, known):
            let name = domain.isEmpty ? opType : "\(domain)::\(opType)"
            if known.isEmpty { return "\(node): operator \(name) is not supported by Sluice (see `sluice operators`)" }
            return "\(node): operator \(name) is supported for opsets \(known.map { "\($0.lowerBound)...\($0.upperBound)" }.joined(separator: ", ")), not \(opset)"
        case let .node(node, message):
            return "\(node): \(message)"
        case let .unknownFeed(name, inputs):
            return "feed '\(name)' is not an input of the model (inputs: \(inputs.joined(separator: ", ")))"
        case .missingFeed(let name):
            return "input '\(name)' has no feed"
        case let .feedType(name, expected, given):
            return "input '\(name)' must be \(expected), but the feed is \(given)"
        case let .feedShape(name, expected, given):
            return "input '\(name)' must have shape \(expected), but the feed has \(given)"
        case let .unknownOutput(name, outputs):
            return "fetch '\(name)' is not an output of the model (outputs: \(outputs.joined(separator: ", ")))"
        case let .fetchMismatch(name, expected, given):
            return "pre-allocated fetch for output '\(name)' is \(given), but the output is \(expected)"
        case .fetchNotGPU(let name):
            return "pre-allocated fetch for output '\(name)' must be a GPU tensor (Tensor.fromGpuBuffer)"
        case .graphCapture(let why):
            return "graph capture is not possible: \(why)"
        case .noProvider(let why):
            return "no execution provider can run this session: \(why)"
        case .disposedFeed(let name):
            return "feed '\(name)' was disposed"
        }
    }
}

import Foundation
