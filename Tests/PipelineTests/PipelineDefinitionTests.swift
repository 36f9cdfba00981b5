import Foundation
import Testing
@testable import Pipeline

struct PipelineDefinitionTests {
    @Test func loadsAFullDefinition() throws {
        let text = """
            {
              "$schema": "./pipeline.schema.json",
              "name": "squares",
              "description": "squares numbers",
              "defaults": {"batchSize": 8, "batchTimeoutMs": 5, "onError": "fail", "ordered": true, "maxInFlight": 32},
              "stages": [
                {"name": "src", "type": "test.numbers", "options": {"count": 3}},
                {"name": "sq", "type": "test.square", "inputs": {"in": "src.numbers"}, "workers": 2, "batchSize": 4},
                {"name": "out", "type": "sink.jsonl", "inputs": {"records": "sq"}, "options": {"path": "out/r.jsonl"}}
              ]
            }
            """
        let (definition, issues) = try PipelineLoader.load(text, file: URL(fileURLWithPath: "/data/pipes/p.json"))
        #expect(issues.isEmpty)
        #expect(definition.name == "squares")
        #expect(definition.description == "squares numbers")
        #expect(definition.defaults == PipelineDefaults(batchSize: 8, batchTimeoutMs: 5, onError: .fail, ordered: true, maxInFlight: 32))
        #expect(definition.stages.map(\.name) == ["src", "sq", "out"])
        #expect(definition.stages[1].inputs == [InputBinding(port: "in", source: StageReference(stage: "src", port: "numbers"))])
        #expect(definition.stages[1].workers == 2)
        #expect(definition.stages[1].batchSize == 4)
        #expect(definition.stages[2].inputs[0].source == StageReference(stage: "sq"))
        #expect(definition.stages[2].path == JSONPath(["stages", 2]))
        #expect(definition.paths.resolve("out/r.jsonl").path == "/data/pipes/out/r.jsonl")
        #expect(definition.paths.resolve("../m.onnx").path == "/data/m.onnx")
        #expect(definition.paths.resolve("/abs/m.onnx").path == "/abs/m.onnx")
    }

    @Test func reportsWrongTypesWithPaths() throws {
        let text = """
            {
              "name": 3,
              "defaults": {"batchSize": 0, "onError": "ignore", "ordered": "yes", "batchTimeoutMs": 1.5},
              "stages": [
                {"name": "src", "type": "test.numbers", "inputs": [], "options": 7, "workers": "2"},
                "oops",
                {"type": "test.square"}
              ],
              "extra": true
            }
            """
        let (_, issues) = try PipelineLoader.load(text)
        #expect(issues.map(\.description) == [
            "extra: unknown top-level key (allowed keys are: $schema, name, description, defaults, stages)",
            "name: expected a string, found a number",
            "defaults.batchSize: must be at least 1, found 0",
            "defaults.batchTimeoutMs: expected an integer, found 1.5",
            "defaults.ordered: expected true or false, found a string",
            "defaults.onError: unknown value \"ignore\" (use \"skip\" or \"fail\")",
            "stages[0].inputs: expected an object, found an array",
            "stages[0].options: expected an object, found a number",
            "stages[0].workers: expected an integer, found a string",
            "stages[1]: expected an object, found a string",
            "stages[2]: missing \"name\" (every stage needs a unique name)",
        ])
        #expect(issues[1].location == SourceLocation(line: 2, column: 11))
        #expect(issues[1].formatted(file: "p.json") == "p.json:2:11: name: expected a string, found a number")
    }

    @Test func suggestsMisspeltKeys() throws {
        let (_, issues) = try PipelineLoader.load(#"{"stages": [{"name": "a", "type": "t", "optinos": {}}]}"#)
        #expect(issues.map(\.description) == [#"stages[0].optinos: unknown stage key (did you mean "options"?)"#])
    }

    @Test func stageReferencesSplitAtTheLastDot() {
        #expect(StageReference(parsing: "decode") == StageReference(stage: "decode", port: nil))
        #expect(StageReference(parsing: "decode.images") == StageReference(stage: "decode", port: "images"))
        #expect(StageReference(parsing: "decode.images").description == "decode.images")
    }

    @Test func optionsDecodeStrictlyWithCodingPaths() throws {
        struct Options: Decodable, Equatable {
            struct Inner: Decodable, Equatable { var size: [Int] }
            var name: String
            var scale: Double
            var inner: Inner
            var flag: Bool?
        }
        let node = try PipelineJSON.parse(#"{"name": "n", "scale": 2, "inner": {"size": [1, 2]}}"#)
        #expect(try JSONNodeDecoder().decode(Options.self, from: node) == Options(name: "n", scale: 2, inner: .init(size: [1, 2]), flag: nil))
        let bad = try PipelineJSON.parse(#"{"name": "n", "scale": 2, "inner": {"size": [1, 2.5]}}"#)
        do {
            _ = try JSONNodeDecoder().decode(Options.self, from: bad)
            Issue.record("expected a decoding error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(JSONPath(codingPath: context.codingPath).description == "inner.size[1]")
            #expect(context.debugDescription == "expected an integer, found 2.5")
        }
    }
}
