import GPUCore

/// The declared type and shape of a named value (graph input, output, or intermediate).
public struct ValueInfo: Sendable, Equatable {
    public var name: String
    /// nil when the file declares no element type (intermediate values only).
    public var dataType: DataType?
    /// nil when the file declares no shape (rank unknown); `[]` is a scalar.
    public var shape: [Dimension]?

    public init(name: String, dataType: DataType?, shape: [Dimension]?) {
        self.name = name
        self.dataType = dataType
        self.shape = shape
    }
}

/// One dimension of a declared shape.
public enum Dimension: Sendable, Equatable, Hashable, CustomStringConvertible {
    case fixed(Int)
    /// A named dimension such as `batch`; equal names mean equal sizes within one model.
    case symbolic(String)
    /// Neither a size nor a name.
    case unknown

    public var description: String {
        switch self {
        case .fixed(let size): return String(size)
        case .symbolic(let name): return name
        case .unknown: return "?"
        }
    }
}
