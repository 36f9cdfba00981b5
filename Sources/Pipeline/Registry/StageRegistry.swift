/// The role a stage type plays in a pipeline, fixed by the protocol it conforms to.
public enum StageRole: String, Sendable {
    case source, transform, sink
}

/// A created stage, ready for the engine.
public enum StageInstance: Sendable {
    case source(any SourceStage)
    case transform(any Stage)
    case sink(any SinkStage)
}

/// A registered stage type with its generic parts captured in closures, so the registry and
/// the engine handle every type the same way.
public struct StageTypeEntry: Sendable {
    public let typeName: String
    public let summary: String
    public let role: StageRole
    public let inputPorts: [PortSpec]
    public let outputPorts: [PortSpec]
    public let optionsSchema: JSONSchemaNode
    let decodeOptions: @Sendable (JSONNode) throws -> any StageOptions
    let check: @Sendable (any StageOptions, StageCheckContext) -> [StageIssue]
    let make: @Sendable (any StageOptions, StageContext) throws -> StageInstance

    public func inputPort(_ name: String) -> PortSpec? { inputPorts.first { $0.name == name } }
    public func outputPort(_ name: String) -> PortSpec? { outputPorts.first { $0.name == name } }

    /// Decodes `options` (a JSON object) into this type's options struct.
    public func decode(options: JSONNode) throws -> any StageOptions { try decodeOptions(options) }

    public func makeInstance(options: any StageOptions, context: StageContext) throws -> StageInstance {
        try make(options, context)
    }
}

/// Stage types by `type` name. Registering a name again replaces the earlier type (tests use
/// this to substitute fakes).
public struct StageRegistry: Sendable {
    private var entries: [String: StageTypeEntry] = [:]
    private var order: [String] = []

    public init() {}

    /// Registered type names in registration order.
    public var typeNames: [String] { order }

    public func entry(for typeName: String) -> StageTypeEntry? { entries[typeName] }

    /// The entry for `typeName`, or an error that suggests the nearest registered names.
    public func lookup(_ typeName: String) throws(StageRegistryError) -> StageTypeEntry {
        if let entry = entries[typeName] { return entry }
        throw .unknownType(typeName, nearest: EditDistance.nearest(to: typeName, in: order), known: order)
    }

    public mutating func register<S: Stage>(_ type: S.Type) {
        add(Self.entry(S.self, role: .transform) { options, context in .transform(try S(options: options, context: context)) })
    }

    public mutating func register<S: SourceStage>(_ type: S.Type) {
        add(Self.entry(S.self, role: .source) { options, context in .source(try S(options: options, context: context)) })
    }

    public mutating func register<S: SinkStage>(_ type: S.Type) {
        add(Self.entry(S.self, role: .sink) { options, context in .sink(try S(options: options, context: context)) })
    }

    private mutating func add(_ entry: StageTypeEntry) {
        if entries[entry.typeName] == nil { order.append(entry.typeName) }
        entries[entry.typeName] = entry
    }

    private static func entry<S: StageTypeDescription>(
        _ type: S.Type, role: StageRole, make: @escaping @Sendable (S.Options, StageContext) throws -> StageInstance
    ) -> StageTypeEntry {
        StageTypeEntry(
            typeName: S.typeName,
            summary: S.summary,
            role: role,
            inputPorts: S.inputPorts,
            outputPorts: S.outputPorts,
            optionsSchema: S.Options.schema,
            decodeOptions: { node in try JSONNodeDecoder().decode(S.Options.self, from: node) },
            check: { options, context in
                guard let typed = options as? S.Options else { return [StageIssue("internal: options of the wrong type")] }
                return S.checkConnections(options: typed, context: context)
            },
            make: { options, context in
                guard let typed = options as? S.Options else {
                    throw StageRegistryError.optionsTypeMismatch(S.typeName, expected: "\(S.Options.self)", found: "\(Swift.type(of: options))")
                }
                return try make(typed, context)
            })
    }
}

public enum StageRegistryError: Error, Equatable, CustomStringConvertible {
    case unknownType(String, nearest: [String], known: [String])
    case optionsTypeMismatch(String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .unknownType(name, nearest, known):
            let hint = nearest.isEmpty
                ? "registered types are: \(Suggest.list(known))"
                : "did you mean " + nearest.map { "\"\($0)\"" }.joined(separator: " or ") + "?"
            return "unknown stage type \"\(name)\" (\(hint))"
        case let .optionsTypeMismatch(name, expected, found):
            return "stage type \"\(name)\" was given options of type \(found), expected \(expected)"
        }
    }
}
