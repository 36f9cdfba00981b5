/// Decodes `Decodable` values (stage options) straight from a `JSONNode`, so type errors carry a
/// coding path that maps back to a JSON path and a source location. It is strict where
/// Foundation's decoder is lenient: 1.5 is not an Int, and "3" is not a number.
public struct JSONNodeDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from node: JSONNode) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: []))
    }
}

private struct NodeDecoder: Decoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let members = node.members else { throw mismatch(node, expected: "an object", type: [String: Int].self, codingPath) }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let elements = node.elements else { throw mismatch(node, expected: "an array", type: [Int].self, codingPath) }
        return UnkeyedNodeContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// A type mismatch whose debug description is the user-facing message.
private func mismatch(_ node: JSONNode, expected: String, type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
    .typeMismatch(type, DecodingError.Context(codingPath: path, debugDescription: "expected \(expected), found \(node.typeDescription)"))
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

/// Scalar decoding shared by all three container kinds.
private enum Scalars {
    static func decode<T: Decodable>(_ type: T.Type, node: JSONNode, path: [any CodingKey]) throws -> T {
        switch type {
        case is Bool.Type:
            guard case .bool(let flag) = node.kind else { throw mismatch(node, expected: "true or false", type: type, path) }
            return try typed(flag, path)
        case is String.Type:
            guard case .string(let text) = node.kind else { throw mismatch(node, expected: "a string", type: type, path) }
            return try typed(text, path)
        case is Double.Type:
            return try typed(try number(node, type: type, path: path), path)
        case is Float.Type:
            return try typed(Float(try number(node, type: type, path: path)), path)
        case is Int.Type: return try typed(try integer(Int.self, node: node, path: path), path)
        case is Int64.Type: return try typed(try integer(Int64.self, node: node, path: path), path)
        case is Int32.Type: return try typed(try integer(Int32.self, node: node, path: path), path)
        case is UInt.Type: return try typed(try integer(UInt.self, node: node, path: path), path)
        case is UInt64.Type: return try typed(try integer(UInt64.self, node: node, path: path), path)
        case is UInt32.Type: return try typed(try integer(UInt32.self, node: node, path: path), path)
        case is JSONValue.Type: return try typed(node.value, path)
        default: return try T(from: NodeDecoder(node: node, codingPath: path))
        }
    }

    /// The switch above already matched `T`, so this cast cannot fail; it throws rather than traps anyway.
    static func typed<T>(_ value: Any, _ path: [any CodingKey]) throws -> T {
        guard let typed = value as? T else {
            throw DecodingError.typeMismatch(T.self, DecodingError.Context(codingPath: path, debugDescription: "internal decoding mismatch"))
        }
        return typed
    }

    static func number(_ node: JSONNode, type: Any.Type, path: [any CodingKey]) throws -> Double {
        guard case .number(let number, _) = node.kind else { throw mismatch(node, expected: "a number", type: type, path) }
        return number
    }

    static func integer<I: FixedWidthInteger>(_ type: I.Type, node: JSONNode, path: [any CodingKey]) throws -> I {
        guard case .number(_, let text) = node.kind else { throw mismatch(node, expected: "an integer", type: type, path) }
        if let exact = I(text) { return exact }
        let isInteger = !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        let message = isInteger ? "integer \(text) is out of range (\(I.min)...\(I.max))" : "expected an integer, found \(text)"
        throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: message))
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [JSONMember]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

    private func node(for key: Key) throws -> JSONNode {
        guard let member = members.first(where: { $0.key == key.stringValue }) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing required key \"\(key.stringValue)\""))
        }
        return member.value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try node(for: key).kind { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try Scalars.decode(type, node: try node(for: key), path: codingPath + [key])
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) { return nil }
        return try decode(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: try node(for: key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: try node(for: key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: "class inheritance is not supported in stage options"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: try node(for: key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let elements: [JSONNode]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [JSONNode], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func next() throws -> JSONNode {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, DecodingError.Context(codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "the array has too few elements"))
        }
        return elements[currentIndex]
    }

    mutating func decodeNil() throws -> Bool {
        if case .null = try next().kind {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try Scalars.decode(type, node: try next(), path: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try NodeDecoder(node: try next(), codingPath: codingPath + [IndexKey(currentIndex)]).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try NodeDecoder(node: try next(), codingPath: codingPath + [IndexKey(currentIndex)]).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = NodeDecoder(node: try next(), codingPath: codingPath + [IndexKey(currentIndex)])
        currentIndex += 1
        return decoder
    }
}

private struct SingleNodeContainer: SingleValueDecodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool {
        if case .null = node.kind { return true }
        return false
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try Scalars.decode(type, node: node, path: codingPath)
    }
}
