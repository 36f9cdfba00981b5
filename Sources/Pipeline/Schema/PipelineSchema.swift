/// Generates the JSON Schema (draft 2020-12) of pipeline files from the registered stage
/// types, for editor completion: `sluice schema > pipeline.schema.json`.
public enum PipelineSchema {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    public static func generate(registry: StageRegistry) -> String {
        JSONWriter.pretty(document(registry: registry)) + "\n"
    }

    public static func document(registry: StageRegistry) -> JSONValue {
        var root = JSONSchemaNode.object("A Sluice pipeline: named stages wired into a DAG through their input ports.", [
            .init("$schema", .string("The schema this file follows (ignored by sluice).")),
            .init("name", .string("A name for the pipeline, shown in logs.")),
            .init("description", .string("What the pipeline does.")),
            .init("defaults", defaultsSchema),
            .init("stages", .array(of: stageSchema(registry: registry), "The stages; exactly one source and one final stage.", minItems: 1), required: true),
        ])
        root.additionalProperties = false
        guard case .object(var object) = root.json else { return root.json }
        object = prepending(["$schema": .string(draft), "$id": "https://sluice.dev/pipeline.schema.json", "title": "Sluice pipeline"], to: object)
        return .object(object)
    }

    static var defaultsSchema: JSONSchemaNode {
        let reference = PipelineDefaults()
        return .object("Run-wide settings; stages may override batchSize and batchTimeoutMs.", [
            .init("batchSize", .integer("Items per batch handed to a stage.", minimum: 1, default: reference.batchSize)),
            .init("batchTimeoutMs", .integer("How long a partial batch waits for more items before it is processed.", minimum: 0, default: reference.batchTimeoutMs)),
            .init("onError", .oneOfStrings(ErrorPolicy.allCases.map(\.rawValue), "skip: record a failed item and continue; fail: stop the run.", default: reference.onError.rawValue)),
            .init("ordered", .boolean("Write records in input order.", default: reference.ordered)),
            .init("maxInFlight", .integer("Items admitted but not yet written; bounds memory.", minimum: 1, default: reference.maxInFlight)),
        ])
    }

    static func stageSchema(registry: StageRegistry) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "object", description: "One stage; its \"type\" selects the options it takes.")
        node.oneOf = registry.typeNames.compactMap(registry.entry(for:)).map(stageVariant)
        return node
    }

    static func stageVariant(_ entry: StageTypeEntry) -> JSONSchemaNode {
        var inputs = JSONSchemaNode.object("Where each input port's data comes from: \"stage\" or \"stage.port\".",
            entry.inputPorts.map { port in
                .init(port.name, .string(port.description.isEmpty ? "Kind: \(port.kind)." : "\(port.description) Kind: \(port.kind)."), required: true)
            })
        inputs.additionalProperties = false
        var options = entry.optionsSchema
        if options.description == nil { options.description = "Options of \(entry.typeName)." }
        var properties: [JSONSchemaNode.Property] = [
            .init("name", .string("Unique stage name: letters, digits, '_' and '-'."), required: true),
            .init("type", .constant(.string(entry.typeName), entry.summary.isEmpty ? nil : entry.summary), required: true),
        ]
        if entry.role != .source { properties.append(.init("inputs", inputs, required: !entry.inputPorts.isEmpty)) }
        properties.append(.init("options", options, required: !options.requiredNames.isEmpty))
        if entry.role == .transform {
            properties += [
                .init("workers", .integer("Parallel workers for this stage.", minimum: 1, default: 1)),
                .init("batchSize", .integer("Overrides defaults.batchSize for this stage.", minimum: 1)),
                .init("batchTimeoutMs", .integer("Overrides defaults.batchTimeoutMs for this stage.", minimum: 0)),
            ]
        }
        var variant = JSONSchemaNode.object(entry.summary.isEmpty ? entry.typeName : "\(entry.typeName): \(entry.summary)", properties)
        variant.additionalProperties = false
        return variant
    }

    private static func prepending(_ head: JSONObject, to object: JSONObject) -> JSONObject {
        var result = head
        for (key, value) in object.entries where result[key] == nil { result[key] = value }
        return result
    }
}
