import Foundation

/// Builds a `PipelineDefinition` from parsed JSON, collecting every structural problem (wrong
/// types, unknown keys, missing fields) instead of stopping at the first.
public enum PipelineLoader {
    static let topLevelKeys = ["$schema", "name", "description", "defaults", "stages"]
    static let defaultsKeys = ["batchSize", "batchTimeoutMs", "onError", "ordered", "maxInFlight"]
    static let stageKeys = ["name", "type", "inputs", "options", "workers", "batchSize", "batchTimeoutMs"]

    /// Reads, parses and structurally checks a pipeline file. JSON errors throw; structural
    /// problems come back as issues so they can be reported together with validation's.
    public static func load(contentsOf url: URL, limits: PipelineJSON.Limits = .init()) throws(PipelineError) -> (PipelineDefinition, [ValidationIssue]) {
        let root: JSONNode
        do { root = try PipelineJSON.parse(contentsOf: url, limits: limits) } catch { throw .json(error) }
        return load(root, file: url)
    }

    public static func load(_ text: String, file: URL? = nil) throws(PipelineError) -> (PipelineDefinition, [ValidationIssue]) {
        let root: JSONNode
        do { root = try PipelineJSON.parse(text, file: file?.path) } catch { throw .json(error) }
        return load(root, file: file)
    }

    public static func load(_ root: JSONNode, file: URL? = nil) -> (PipelineDefinition, [ValidationIssue]) {
        var reader = FieldReader()
        var definition = PipelineDefinition(stages: [], file: file)
        guard let members = reader.object(root, at: .root) else {
            return (definition, reader.issues)
        }
        reader.rejectUnknownKeys(members, allowed: topLevelKeys, at: .root, what: "top-level key")
        definition.name = reader.string(root.member("name"), at: ["name"])
        definition.description = reader.string(root.member("description"), at: ["description"])
        if let defaults = root.member("defaults") {
            definition.defaults = readDefaults(defaults.value, reader: &reader)
        }
        guard let stagesMember = root.member("stages") else {
            reader.report(.root, "missing \"stages\"", hint: "a pipeline needs a \"stages\" array", at: root.location)
            return (definition, reader.issues)
        }
        guard let stageNodes = reader.array(stagesMember.value, at: ["stages"]) else { return (definition, reader.issues) }
        if stageNodes.isEmpty {
            reader.report(["stages"], "the pipeline has no stages", hint: "add a source stage and the stages that consume it", at: stagesMember.value.location)
        }
        for (index, node) in stageNodes.enumerated() {
            if let stage = readStage(node, path: JSONPath(["stages", .index(index)]), reader: &reader) {
                definition.stages.append(stage)
            }
        }
        return (definition, reader.issues)
    }

    private static func readDefaults(_ node: JSONNode, reader: inout FieldReader) -> PipelineDefaults {
        var defaults = PipelineDefaults()
        let path: JSONPath = ["defaults"]
        guard let members = reader.object(node, at: path) else { return defaults }
        reader.rejectUnknownKeys(members, allowed: defaultsKeys, at: path, what: "key in defaults")
        if let size = reader.positiveInt(node.member("batchSize"), at: path.appending("batchSize")) { defaults.batchSize = size }
        if let timeout = reader.nonNegativeInt(node.member("batchTimeoutMs"), at: path.appending("batchTimeoutMs")) { defaults.batchTimeoutMs = timeout }
        if let limit = reader.positiveInt(node.member("maxInFlight"), at: path.appending("maxInFlight")) { defaults.maxInFlight = limit }
        if let ordered = reader.bool(node.member("ordered"), at: path.appending("ordered")) { defaults.ordered = ordered }
        if let member = node.member("onError"), let text = reader.string(member, at: path.appending("onError")) {
            if let policy = ErrorPolicy(rawValue: text) {
                defaults.onError = policy
            } else {
                reader.report(path.appending("onError"), "unknown value \"\(text)\"", hint: "use \"skip\" or \"fail\"", at: member.value.location)
            }
        }
        return defaults
    }

    private static func readStage(_ node: JSONNode, path: JSONPath, reader: inout FieldReader) -> StageDefinition? {
        guard let members = reader.object(node, at: path) else { return nil }
        reader.rejectUnknownKeys(members, allowed: stageKeys, at: path, what: "stage key")
        let name = reader.string(node.member("name"), at: path.appending("name"))
        let type = reader.string(node.member("type"), at: path.appending("type"))
        if node.member("name") == nil { reader.report(path, "missing \"name\"", hint: "every stage needs a unique name", at: node.location) }
        if node.member("type") == nil { reader.report(path, "missing \"type\"", hint: "set the stage type, e.g. \"type\": \"sink.jsonl\"", at: node.location) }
        var stage = StageDefinition(name: name ?? "", type: type ?? "", path: path)
        if let inputs = node.member("inputs"), let inputMembers = reader.object(inputs.value, at: path.appending("inputs")) {
            for member in inputMembers {
                if let text = reader.string(member, at: path.appending("inputs").appending(member.key)) {
                    stage.inputs.append(InputBinding(port: member.key, source: StageReference(parsing: text)))
                }
            }
        }
        if let options = node.member("options") {
            if reader.object(options.value, at: path.appending("options")) != nil { stage.options = options.value }
        } else {
            stage.options = JSONNode(.object([]), at: node.location)
        }
        if let workers = reader.positiveInt(node.member("workers"), at: path.appending("workers")) { stage.workers = workers }
        stage.batchSize = reader.positiveInt(node.member("batchSize"), at: path.appending("batchSize"))
        stage.batchTimeoutMs = reader.nonNegativeInt(node.member("batchTimeoutMs"), at: path.appending("batchTimeoutMs"))
        return (name == nil || type == nil) ? nil : stage
    }
}

/// Typed field access that records an issue (with path and position) on a mismatch.
struct FieldReader {
    private(set) var issues: [ValidationIssue] = []

    mutating func report(_ path: JSONPath, _ message: String, hint: String? = nil, at location: SourceLocation?) {
        issues.append(ValidationIssue(path: path, message: message, hint: hint, location: location))
    }

    mutating func object(_ node: JSONNode, at path: JSONPath) -> [JSONMember]? {
        if let members = node.members { return members }
        report(path, "expected an object, found \(node.typeDescription)", at: node.location)
        return nil
    }

    mutating func array(_ node: JSONNode, at path: JSONPath) -> [JSONNode]? {
        if let elements = node.elements { return elements }
        report(path, "expected an array, found \(node.typeDescription)", at: node.location)
        return nil
    }

    mutating func string(_ member: JSONMember?, at path: JSONPath) -> String? {
        guard let member else { return nil }
        if let text = member.value.string { return text }
        report(path, "expected a string, found \(member.value.typeDescription)", at: member.value.location)
        return nil
    }

    mutating func bool(_ member: JSONMember?, at path: JSONPath) -> Bool? {
        guard let member else { return nil }
        if case .bool(let flag) = member.value.kind { return flag }
        report(path, "expected true or false, found \(member.value.typeDescription)", at: member.value.location)
        return nil
    }

    mutating func positiveInt(_ member: JSONMember?, at path: JSONPath) -> Int? {
        integer(member, at: path, minimum: 1)
    }

    mutating func nonNegativeInt(_ member: JSONMember?, at path: JSONPath) -> Int? {
        integer(member, at: path, minimum: 0)
    }

    private mutating func integer(_ member: JSONMember?, at path: JSONPath, minimum: Int) -> Int? {
        guard let member else { return nil }
        guard case .number(_, let text) = member.value.kind, let value = Int(text) else {
            let found: String = if case .number(_, let text) = member.value.kind { text } else { member.value.typeDescription }
            report(path, "expected an integer, found \(found)", at: member.value.location)
            return nil
        }
        guard value >= minimum else {
            report(path, "must be at least \(minimum), found \(value)", at: member.value.location)
            return nil
        }
        return value
    }

    mutating func rejectUnknownKeys(_ members: [JSONMember], allowed: [String], at path: JSONPath, what: String) {
        for member in members where !allowed.contains(member.key) {
            report(path.appending(member.key), "unknown \(what)",
                   hint: Suggest.didYouMean(member.key, among: allowed) ?? "allowed keys are: \(Suggest.list(allowed))",
                   at: member.keyLocation)
        }
    }
}
