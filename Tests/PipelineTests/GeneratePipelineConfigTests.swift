import Foundation
import IOStages
import InferenceStage
import Testing
@testable import Pipeline

/// pipelines/generate.json and the reader of such files.
@Suite struct GeneratePipelineConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("generate-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func bundledPipelineReadsWithPathsBesideIt() throws {
        let config = try GeneratePipelineConfig.load(path: Self.root.appendingPathComponent("pipelines/generate.json").path)
        #expect(config.modelPath == Self.root.appendingPathComponent("pipelines/text/tiny-gpt.onnx").path)
        #expect(config.vocabularyPath.hasSuffix("pipelines/text/vocab.json"))
        #expect(config.sampling == SamplingOptions(temperature: 0.8, topK: 40, topP: 0.95, repetitionPenalty: 1.1, seed: 0))
        #expect(config.maxNewTokens == 32)
        try config.sampling.validate()
    }

    @Test func absolutePathsAndMissingDefaults() throws {
        let path = try temporaryFile(#"{"model": "/models/m.onnx", "vocabulary": "v.json", "merges": "m.txt", "greedy": true}"#)
        let config = try GeneratePipelineConfig.load(path: path)
        #expect(config.modelPath == "/models/m.onnx")
        #expect(config.mergesPath == URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("m.txt").path)
        #expect(config.sampling == SamplingOptions(greedy: true))
        #expect(config.maxNewTokens == nil && config.stopStrings == nil)
    }

    @Test func errorsNameTheFileAndTheKey() throws {
        #expect(throws: GenerateError.configNotFound(path: "/no/such/generate.json")) {
            try GeneratePipelineConfig.load(path: "/no/such/generate.json")
        }
        let missing = try temporaryFile(#"{"model": "m.onnx", "vocabulary": "v.json"}"#)
        #expect(throws: GenerateError.malformedConfig(path: missing, reason: "missing key 'merges'")) {
            try GeneratePipelineConfig.load(path: missing)
        }
        let wrongType = try temporaryFile(#"{"model": "m.onnx", "vocabulary": "v.json", "merges": "m.txt", "topK": "forty"}"#)
        #expect(throws: GenerateError.malformedConfig(path: wrongType, reason: "'topK' must be Int")) {
            try GeneratePipelineConfig.load(path: wrongType)
        }
        let broken = try temporaryFile(#"{"model": "#)
        do {
            _ = try GeneratePipelineConfig.load(path: broken)
            Issue.record("truncated JSON should fail")
        } catch {
            #expect(error.localizedDescription.hasPrefix("\(broken): not valid JSON"))
        }
    }

    @Test func missingOrMalformedTokenizerFailsBeforeTheModelLoads() throws {
        #expect(throws: TokenizerError.fileNotFound(path: "/no/vocab.json")) {
            try TextGenerator(modelPath: "/no/model.onnx", vocabularyPath: "/no/vocab.json", mergesPath: "/no/merges.txt")
        }
        let vocabulary = try temporaryFile(#"["not", "an", "object"]"#)
        let merges = try temporaryFile("#version: 0.2\n")
        do {
            _ = try TextGenerator(modelPath: "/no/model.onnx", vocabularyPath: vocabulary, mergesPath: merges)
            Issue.record("a vocabulary that is not an object should fail")
        } catch let error as TokenizerError {
            guard case .malformedVocabulary(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == vocabulary)
        }
    }
}

@Suite struct StopStringFilterTests {
    @Test func holdsBackAPossibleStopAndCutsAtAMatch() {
        var filter = StopStringFilter(stopStrings: ["\n\n", "THE END"])
        #expect(filter.append("Once upon") == "Once upon")
        #expect(filter.append(" a time\n") == " a time")   // "\n" may start "\n\n"
        #expect(filter.append("and then TH") == "\nand then ")
        #expect(filter.append("E ENDING") == "")
        #expect(filter.stopped)
        #expect(filter.text == "Once upon a time\nand then ")
        #expect(filter.append("more") == "")
    }

    @Test func releasesHeldTextWhenTheRowEnds() {
        var filter = StopStringFilter(stopStrings: ["###"])
        #expect(filter.append("abc#") == "abc")
        #expect(filter.append("#") == "")
        #expect(filter.finish() == "##")
        #expect(!filter.stopped && filter.text == "abc##")
    }

    @Test func withoutStopStringsEverythingPassesAtOnce() {
        var filter = StopStringFilter(stopStrings: [""])
        #expect(filter.append("a\n") == "a\n")
        #expect(filter.finish() == "")
    }
}
