import Foundation
import Testing
@testable import Pipeline

/// Builds a pipeline's JSON from stage objects (each written as JSON text).
private func pipeline(_ stages: String...) -> String {
    "{\"stages\": [\n" + stages.joined(separator: ",\n") + "\n]}"
}

private let source = #"{"name": "src", "type": "test.numbers", "options": {"count": 10}}"#
private let square = #"{"name": "sq", "type": "test.square", "inputs": {"in": "src"}}"#
private let sink = #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "sq"}, "options": {"path": "-"}}"#

struct PipelineValidatorTests {
    @Test func aGoodPipelineHasNoIssues() throws {
        #expect(try issues(pipeline(source, square, sink)) == [])
        let resolved = try resolve(pipeline(sink, square, source))
        #expect(resolved.stages.map(\.name) == ["src", "sq", "out"])
        #expect(resolved.edges == [
            .init(fromStage: "sq", fromPort: "out", toStage: "out", toPort: "records"),
            .init(fromStage: "src", fromPort: "numbers", toStage: "sq", toPort: "in"),
        ])
    }

    static let badPipelines: [(String, String, [String])] = [
        ("unknown upstream stage",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "pre"}}"#, sink),
         [#"stages[1].inputs.in: no stage named "pre" (stages are: src, out)"#]),
        ("close upstream name",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "srcc"}}"#, sink),
         [#"stages[1].inputs.in: no stage named "srcc" (did you mean "src"? stages are: src, out)"#]),
        ("duplicate stage names",
         pipeline(source, square, #"{"name": "sq", "type": "test.label", "inputs": {"in": "src"}}"#, sink),
         [#"stages[2].name: duplicate stage name "sq" (also used by stages[1]; stage names must be unique)"#]),
        ("invalid stage name",
         pipeline(source, #"{"name": "s.q", "type": "test.square", "inputs": {"in": "src"}}"#,
                  #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "s.q"}, "options": {"path": "-"}}"#),
         [#"stages[1].name: invalid stage name "s.q" (use letters, digits, '_' and '-' (a '.' separates stage and port in inputs))"#,
          #"stages[2].inputs.records: no stage named "s" (stages are: src, s.q)"#]),
        ("cycle",
         pipeline(source,
                  #"{"name": "add", "type": "test.add", "inputs": {"a": "src", "b": "loop"}}"#,
                  #"{"name": "loop", "type": "test.square", "inputs": {"in": "add"}}"#,
                  #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "loop"}, "options": {"path": "-"}}"#),
         ["stages[1].inputs: cycle in the stage graph: add → loop → add (stages must form a DAG; remove one of these inputs)"]),
        ("self loop",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "sq"}}"#, sink),
         [#"stages[1].inputs.in: stage "sq" cannot consume its own output"#]),
        ("unknown stage type",
         pipeline(source, #"{"name": "sq", "type": "test.sqare", "inputs": {"in": "src"}}"#, sink),
         [#"stages[1].type: unknown stage type "test.sqare" (did you mean "test.square"?)"#]),
        ("far-off stage type",
         pipeline(source, #"{"name": "sq", "type": "onnx", "inputs": {"in": "src"}}"#, sink),
         [#"stages[1].type: unknown stage type "onnx" (registered types are: test.numbers, test.square, test.add, test.label, test.image, test.checked, sink.jsonl, sink.csv)"#]),
        ("missing required option",
         pipeline(#"{"name": "src", "type": "test.numbers"}"#, square, sink),
         [#"stages[0].options: missing required option "count" (How many items.)"#]),
        ("option of the wrong type",
         pipeline(#"{"name": "src", "type": "test.numbers", "options": {"count": "ten"}}"#, square, sink),
         ["stages[0].options.count: expected an integer, found a string"]),
        ("nested option of the wrong type",
         pipeline(#"{"name": "src", "type": "test.numbers", "options": {"count": 3, "unreadable": [1, "2"]}}"#, square, sink),
         ["stages[0].options.unreadable[1]: expected an integer, found a string"]),
        ("unknown option",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"failEvry": 3}}"#, sink),
         [#"stages[1].options.failEvry: unknown option (did you mean "failEvery"?)"#]),
        ("port kind mismatch",
         pipeline(source, #"{"name": "img", "type": "test.image", "inputs": {"images": "src"}, "options": {"model": "m.onnx"}}"#,
                  #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "img"}, "options": {"path": "-"}}"#),
         [#"stages[1].inputs.images: port kind mismatch: "src.numbers" produces "number", but input "images" of "test.image" expects "image""#]),
        ("missing input",
         pipeline(source, #"{"name": "sq", "type": "test.square"}"#, sink),
         [#"stages[1].inputs: missing input "in" (connect it to a stage that produces "number", e.g. "in": "stage" or "stage.port")"#]),
        ("unknown input port",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "src", "input": "src"}}"#, sink),
         [#"stages[1].inputs.input: stage type "test.square" has no input port "input" (its inputs are: in)"#]),
        ("unknown output port",
         pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "src.nums"}}"#, sink),
         [#"stages[1].inputs.in: stage "src" has no output port "nums" (its outputs are: numbers)"#]),
        ("reading from a sink",
         pipeline(source, #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "src"}, "options": {"path": "-"}}"#,
                  #"{"name": "sq", "type": "test.square", "inputs": {"in": "out"}}"#),
         [#"stages[2].inputs.in: stage "out" has no outputs ("out" is a sink; connect to the stage before it)"#]),
        ("semantic check of the stage type",
         pipeline(source, #"{"name": "chk", "type": "test.checked", "inputs": {"in": "src"}, "options": {"minimumCount": 100}}"#,
                  #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "chk"}, "options": {"path": "-"}}"#),
         [#"stages[1].options.minimumCount: upstream "src" emits 10 items, fewer than 100 (lower minimumCount or raise the source's count)"#]),
        ("no source, and a cycle",
         pipeline(#"{"name": "sq", "type": "test.square", "inputs": {"in": "sq2"}}"#, #"{"name": "sq2", "type": "test.square", "inputs": {"in": "sq"}}"#),
         ["stages: the pipeline has no source stage (add a stage whose type lists the inputs, e.g. a file listing)",
          "stages[0].inputs: cycle in the stage graph: sq → sq2 → sq (stages must form a DAG; remove one of these inputs)"]),
        ("two sources",
         pipeline(source, #"{"name": "src2", "type": "test.numbers", "options": {"count": 1}}"#,
                  #"{"name": "add", "type": "test.add", "inputs": {"a": "src", "b": "src2"}}"#,
                  #"{"name": "out", "type": "sink.jsonl", "inputs": {"records": "add"}, "options": {"path": "-"}}"#),
         [#"stages[1]: second source stage "src2" (a pipeline has exactly one source; "src" is the first)"#]),
        ("two final stages",
         pipeline(source, square, #"{"name": "lab", "type": "test.label", "inputs": {"in": "src"}}"#, sink),
         ["stages: the pipeline has 2 final stages (lab, out) (exactly one stage's output may be left unconsumed; it becomes the records)"]),
        ("empty",
         #"{"stages": []}"#,
         ["stages: the pipeline has no stages (add a source stage and the stages that consume it)"]),
    ]

    @Test(arguments: badPipelines)
    func badPipelinesAreReportedExactly(name: String, json: String, expected: [String]) throws {
        let actual = try issues(json)
        #expect(actual == expected, "\(name)")
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let json = pipeline(
            #"{"name": "src", "type": "test.numbers", "options": {"count": "x"}}"#,
            #"{"name": "sq", "type": "test.sqare", "inputs": {"in": "src"}}"#,
            #"{"name": "lab", "type": "test.label", "inputs": {"in": "pre"}}"#,
            #"{"name": "lab", "type": "sink.csv", "inputs": {"records": "lab"}, "options": {"path": "o.csv"}}"#)
        let actual = try issues(json)
        #expect(actual == [
            #"stages[3].name: duplicate stage name "lab" (also used by stages[2]; stage names must be unique)"#,
            "stages[0].options.count: expected an integer, found a string",
            #"stages[1].type: unknown stage type "test.sqare" (did you mean "test.square"?)"#,
            #"stages[3].options: missing required option "columns" (Result fields written as columns after index, source, status and error; nested values are written as JSON.)"#,
            #"stages[2].inputs.in: no stage named "pre" (stages are: src, sq)"#,
        ])
    }

    @Test func resolveThrowsAllIssuesWithPositions() throws {
        let json = pipeline(source, #"{"name": "sq", "type": "test.square", "inputs": {"in": "src"}, "options": {"failEvery": "2"}}"#, sink)
        let (definition, loadIssues) = try PipelineLoader.load(json, file: URL(fileURLWithPath: "/p/pipe.json"))
        let error = #expect(throws: PipelineError.self) { try testRegistry().resolve(definition, loadIssues: loadIssues) }
        guard case let .invalid(issues, file)? = error else {
            Issue.record("expected invalid, got \(String(describing: error))")
            return
        }
        #expect(file == "/p/pipe.json")
        #expect(issues.map { $0.formatted(file: file) } == ["/p/pipe.json:3:89: stages[1].options.failEvery: expected an integer, found a string"])
        #expect(error?.errorDescription == """
            /p/pipe.json has 1 problem:
              3:89: stages[1].options.failEvery: expected an integer, found a string
            """)
    }

    @Test func registryLookupSuggestsNearestNames() throws {
        let registry = testRegistry()
        #expect(throws: StageRegistryError.unknownType("sink.jsnl", nearest: ["sink.jsonl"], known: registry.typeNames)) {
            try registry.lookup("sink.jsnl")
        }
        #expect(StageRegistryError.unknownType("sink.jsnl", nearest: ["sink.jsonl"], known: []).description
            == #"unknown stage type "sink.jsnl" (did you mean "sink.jsonl"?)"#)
        #expect(try registry.lookup("test.add").inputPorts.map(\.name) == ["a", "b"])
    }

    @Test func editDistance() {
        #expect(EditDistance.distance("kitten", "sitting") == 3)
        #expect(EditDistance.distance("", "abc") == 3)
        #expect(EditDistance.distance("Decode", "decode") == 0)
        #expect(EditDistance.nearest(to: "decod", in: ["decode", "encode", "src", "decoder"]) == ["decode", "decoder"])
        #expect(EditDistance.nearest(to: "zzz", in: ["decode", "src"]) == [])
    }
}
