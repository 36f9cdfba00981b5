import GPUCore

/// How much of an operator runs on the GPU, for `docs/operators.md` and `sluice operators`.
public enum GPUCoverage: Sendable, Equatable {
    case all
    case some(String)
    case none

    public var summary: String {
        switch self {
        case .all: return "GPU"
        case .some(let note): return "GPU (\(note))"
        case .none: return "CPU only"
        }
    }
}

/// One operator type the registry knows: what it accepts and how to build it for a node.
public struct OperatorRegistration: Sendable {
    public let opType: String
    public let domain: String
    public let opsets: ClosedRange<Int>
    public let dataTypes: [DataType]
    public let gpu: GPUCoverage
    public let make: @Sendable (_ node: Node, _ opset: Int) throws -> any Operator

    public init(_ opType: String, domain: String = "", opsets: ClosedRange<Int> = 1...21, types: [DataType],
                gpu: GPUCoverage, make: @escaping @Sendable (_ node: Node, _ opset: Int) throws -> any Operator) {
        self.opType = opType
        self.domain = domain
        self.opsets = opsets
        self.dataTypes = types
        self.gpu = gpu
        self.make = make
    }
}

/// Float element types most kernels accept.
public let floatTypes: [DataType] = [.float32, .float16]
/// Every element type Sluice handles.
public let allTypes: [DataType] = DataType.allCases
