import Foundation
import Testing

/// `sluice generate` as a user runs it, on the bundled tiny GPT-2 (pipelines/generate.json).
@Suite struct GenerateCommandTests {
    struct Reference: Decodable {
        struct Case: Decodable { let prompt: String; let greedy_ids: [Int] }
        let cases: [Case]
    }

    static let reference: Reference? = try? JSONDecoder().decode(Reference.self, from: Data(contentsOf: CommandLineTests.root
        .appendingPathComponent("Tests/Fixtures/models/tiny_gpt_reference.json")))

    /// A prompts file (blank lines skipped) as one batch; greedy without the pipeline's repetition
    /// penalty reproduces onnxruntime's greedy tokens.
    @Test func jsonRecordsPerPromptWithGreedyTokensOfOnnxRuntime() throws {
        let reference = try #require(Self.reference)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let prompts = folder.appendingPathComponent("prompts.txt")
        try (reference.cases[0].prompt + "\n\n" + reference.cases[2].prompt + "\n").write(to: prompts, atomically: true, encoding: .utf8)
        let (status, out, err) = try CommandLineTests.sluice(["generate", "--prompts", prompts.path, "--greedy", "--repetition-penalty", "1",
                                                               "--max-new-tokens", "10", "--json"])
        #expect(status == 0, "\(err)")
        let records = out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        try #require(records.count == 2, "\(out)")
        for (record, test) in zip(records, [reference.cases[0], reference.cases[2]]) {
            #expect(record["prompt"] as? String == test.prompt)
            #expect(record["token_ids"] as? [Int] == Array(test.greedy_ids.prefix(10)))
            #expect(record["generated_tokens"] as? Int == 10)
            #expect(record["finish_reason"] as? String == "length")
            #expect((record["prefill_ms"] as? Double ?? 0) > 0)
            #expect(record["decode_tokens_per_second"] is Double)
        }
    }

    @Test func streamsTheTextAfterThePromptAndIsReproducibleWithASeed() throws {
        let arguments = ["generate", "--prompt", "The weather was", "--max-new-tokens", "8", "--seed", "11", "--temperature", "0.9"]
        let first = try CommandLineTests.sluice(arguments), second = try CommandLineTests.sluice(arguments)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.hasPrefix("The weather was") && first.out.count > "The weather was\n".count)
        #expect(first.out == second.out)
        #expect(first.err.contains("1 prompt(s), "))
    }

    @Test func badInputsFailWithAMessage() throws {
        let missing = try CommandLineTests.sluice(["generate", "--pipeline", "/no/generate.json", "--prompt", "a"])
        #expect(missing.status != 0 && missing.err.contains("generation pipeline not found: /no/generate.json"))
        let topP = try CommandLineTests.sluice(["generate", "--prompt", "a", "--top-p", "1.5"])
        #expect(topP.status != 0 && topP.err.contains("top-p must be in (0, 1]") && topP.out.isEmpty)
        let noPrompt = try CommandLineTests.sluice(["generate"])
        #expect(noPrompt.status != 0 && noPrompt.err.contains("--prompt"))
        let tooLong = try CommandLineTests.sluice(["generate", "--prompt", String(repeating: "word ", count: 300), "--greedy"])
        #expect(tooLong.status != 0 && tooLong.err.contains("exceeds the model's 256 positions"), "\(tooLong.err)")
    }
}
