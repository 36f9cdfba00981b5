import GPUCore

/// Typed attribute access for operators. A missing attribute without a default, or one of the
/// wrong kind, is a `ModelError` that names the node, its operator and the attribute.
extension Node {
    public func hasAttribute(_ name: String) -> Bool { attributes[name] != nil }

    public func int(_ name: String) throws(ModelError) -> Int {
        try value(name, "int") { if case .int(let v) = $0 { v } else { nil } }
    }

    public func int(_ name: String, default fallback: Int) throws(ModelError) -> Int {
        try valueOrDefault(name, "int", fallback) { if case .int(let v) = $0 { v } else { nil } }
    }

    public func ints(_ name: String) throws(ModelError) -> [Int] {
        try value(name, "ints") { if case .ints(let v) = $0 { v } else { nil } }
    }

    public func ints(_ name: String, default fallback: [Int]) throws(ModelError) -> [Int] {
        try valueOrDefault(name, "ints", fallback) { if case .ints(let v) = $0 { v } else { nil } }
    }

    public func float(_ name: String) throws(ModelError) -> Float {
        try value(name, "float") { if case .float(let v) = $0 { v } else { nil } }
    }

    public func float(_ name: String, default fallback: Float) throws(ModelError) -> Float {
        try valueOrDefault(name, "float", fallback) { if case .float(let v) = $0 { v } else { nil } }
    }

    public func floats(_ name: String) throws(ModelError) -> [Float] {
        try value(name, "floats") { if case .floats(let v) = $0 { v } else { nil } }
    }

    public func floats(_ name: String, default fallback: [Float]) throws(ModelError) -> [Float] {
        try valueOrDefault(name, "floats", fallback) { if case .floats(let v) = $0 { v } else { nil } }
    }

    public func string(_ name: String) throws(ModelError) -> String {
        try value(name, "string") { if case .string(let v) = $0 { v } else { nil } }
    }

    public func string(_ name: String, default fallback: String) throws(ModelError) -> String {
        try valueOrDefault(name, "string", fallback) { if case .string(let v) = $0 { v } else { nil } }
    }

    public func strings(_ name: String) throws(ModelError) -> [String] {
        try value(name, "strings") { if case .strings(let v) = $0 { v } else { nil } }
    }

    public func tensor(_ name: String) throws(ModelError) -> TensorData {
        try value(name, "tensor") { if case .tensor(let v) = $0 { v } else { nil } }
    }

    public func graph(_ name: String) throws(ModelError) -> Graph {
        try value(name, "graph") { if case .graph(let v) = $0 { v } else { nil } }
    }

    private func value<T>(_ name: String, _ kind: String, _ extract: (Attribute) -> T?) throws(ModelError) -> T {
        guard let attribute = attributes[name] else { throw .missingAttribute(node: label, attribute: name) }
        return try typed(attribute, name, kind, extract)
    }

    private func valueOrDefault<T>(
        _ name: String, _ kind: String, _ fallback: T, _ extract: (Attribute) -> T?
    ) throws(ModelError) -> T {
        guard let attribute = attributes[name] else { return fallback }
        return try typed(attribute, name, kind, extract)
    }

    private func typed<T>(
        _ attribute: Attribute, _ name: String, _ kind: String, _ extract: (Attribute) -> T?
    ) throws(ModelError) -> T {
        guard let value = extract(attribute) else {
            throw .attributeTypeMismatch(node: label, attribute: name, expected: kind, actual: attribute.kindName)
        }
        return value
    }
}
