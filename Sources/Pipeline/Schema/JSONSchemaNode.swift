/// A small JSON Schema (draft 2020-12) vocabulary that stage options use to describe
/// themselves. It is written by hand next to each options type rather than derived by
/// reflection, so descriptions, defaults and ranges are part of the stage's contract.
public struct JSONSchemaNode: Sendable, Equatable {
    public struct Property: Sendable, Equatable {
        public let name: String
        public let schema: JSONSchemaNode
        public let isRequired: Bool

        public init(_ name: String, _ schema: JSONSchemaNode, required: Bool = false) {
            self.name = name
            self.schema = schema
            self.isRequired = required
        }
    }

    public var type: String?
    public var description: String?
    public var format: String?
    public var properties: [Property] = []
    public var additionalProperties: Bool?
    /// Zero or one element; an array keeps the recursive struct finite in size.
    public var items: [JSONSchemaNode] = []
    public var oneOf: [JSONSchemaNode] = []
    public var enumValues: [JSONValue]?
    public var constValue: JSONValue?
    public var defaultValue: JSONValue?
    public var minimum: Double?
    public var maximum: Double?
    public var minItems: Int?

    public init(type: String? = nil, description: String? = nil) {
        self.type = type
        self.description = description
    }

    public var requiredNames: [String] { properties.filter(\.isRequired).map(\.name) }

    /// Whether `name` is a declared property, used to flag misspelt option keys.
    public func declares(_ name: String) -> Bool { properties.contains { $0.name == name } }
}

extension JSONSchemaNode {
    public static func string(_ description: String, default value: String? = nil, format: String? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "string", description: description)
        node.defaultValue = value.map(JSONValue.string)
        node.format = format
        return node
    }

    /// A file or directory path; relative paths are resolved against the pipeline file's folder.
    public static func path(_ description: String) -> JSONSchemaNode {
        .string(description + " (relative paths are resolved against the pipeline file's folder)", format: "path")
    }

    public static func integer(_ description: String, minimum: Int? = nil, maximum: Int? = nil, default value: Int? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "integer", description: description)
        node.minimum = minimum.map(Double.init)
        node.maximum = maximum.map(Double.init)
        node.defaultValue = value.map { .number(Double($0)) }
        return node
    }

    public static func number(_ description: String, minimum: Double? = nil, maximum: Double? = nil, default value: Double? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "number", description: description)
        node.minimum = minimum
        node.maximum = maximum
        node.defaultValue = value.map(JSONValue.number)
        return node
    }

    public static func boolean(_ description: String, default value: Bool? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "boolean", description: description)
        node.defaultValue = value.map(JSONValue.bool)
        return node
    }

    public static func oneOfStrings(_ values: [String], _ description: String, default value: String? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "string", description: description)
        node.enumValues = values.map(JSONValue.string)
        node.defaultValue = value.map(JSONValue.string)
        return node
    }

    public static func array(of element: JSONSchemaNode, _ description: String, minItems: Int? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "array", description: description)
        node.items = [element]
        node.minItems = minItems
        return node
    }

    /// An object; unknown keys are rejected unless `additionalProperties` is true.
    public static func object(_ description: String? = nil, _ properties: [Property], additionalProperties: Bool = false) -> JSONSchemaNode {
        var node = JSONSchemaNode(type: "object", description: description)
        node.properties = properties
        node.additionalProperties = additionalProperties
        return node
    }

    public static func constant(_ value: JSONValue, _ description: String? = nil) -> JSONSchemaNode {
        var node = JSONSchemaNode(description: description)
        node.constValue = value
        return node
    }

    /// An options type with no options.
    public static let empty = JSONSchemaNode.object(nil, [])
}

extension JSONSchemaNode {
    /// The schema as JSON, keys in a fixed order so generated files diff cleanly.
    public var json: JSONValue {
        var object = JSONObject()
        if let type { object["type"] = .string(type) }
        if let description { object["description"] = .string(description) }
        if let format { object["format"] = .string(format) }
        if let constValue { object["const"] = constValue }
        if let enumValues { object["enum"] = .array(enumValues) }
        if let defaultValue { object["default"] = defaultValue }
        if let minimum { object["minimum"] = .number(minimum) }
        if let maximum { object["maximum"] = .number(maximum) }
        if let minItems { object["minItems"] = .number(Double(minItems)) }
        if let element = items.first { object["items"] = element.json }
        if type == "object" || !properties.isEmpty {
            object["properties"] = .object(properties.reduce(into: JSONObject()) { $0[$1.name] = $1.schema.json })
            if !requiredNames.isEmpty { object["required"] = .array(requiredNames.map(JSONValue.string)) }
        }
        if let additionalProperties { object["additionalProperties"] = .bool(additionalProperties) }
        if !oneOf.isEmpty { object["oneOf"] = .array(oneOf.map(\.json)) }
        return .object(object)
    }
}
