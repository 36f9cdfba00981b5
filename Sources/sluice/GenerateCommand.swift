import ArgumentParser
import Foundation
import GPUCore
import InferenceStage
import Pipeline

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a GPT-2 style ONNX model; the KV cache and sampling stay on the GPU.",
        discussion: """
            The pipeline file names the model and tokenizer and holds default settings; flags override them.
            Text streams to stdout as it is produced (one prompt); with --prompts FILE every line is a
            prompt of one batch and each result is printed when the batch ends.

            Examples:
              sluice generate --pipeline pipelines/generate.json --prompt "It is a truth"
              sluice generate --prompt "Once" --temperature 0.8 --top-k 40 --top-p 0.95 --seed 7
              sluice generate --prompts prompts.txt --greedy --max-new-tokens 20 --json
            """)

    @Option(help: ArgumentHelp("Generation pipeline (model, tokenizer, defaults).", valueName: "file.json"))
    var pipeline = "pipelines/generate.json"
    @Option(help: "The prompt.") var prompt: String?
    @Option(help: ArgumentHelp("A file with one prompt per line, generated as one batch.", valueName: "file"))
    var prompts: String?
    @Option(help: "Most tokens to generate per prompt.") var maxNewTokens: Int?
    @Option(help: "Seed of the sampler's random numbers (same seed, same text).") var seed: UInt64?
    @Option(help: "Softmax temperature (0: greedy); turns off a greedy default from the pipeline file.") var temperature: Float?
    @Option(help: "Sample from the k most likely tokens (0: off).") var topK: Int?
    @Option(help: "Sample from the smallest set of tokens whose probability reaches p (1: off).") var topP: Float?
    @Flag(help: "Always take the most likely token.") var greedy = false
    @Option(help: "Penalty (> 1) on tokens already in the prompt or output (1: off).") var repetitionPenalty: Float?
    @Option(name: .customLong("stop"), help: ArgumentHelp("Text that ends a prompt's output (repeatable).", valueName: "text"))
    var stopStrings: [String] = []
    @Flag(help: "Record the decode step once and replay it (graph capture; needs every decode node on the GPU).")
    var captureDecode = false
    @Flag(help: "Grow the KV cache by one position per step instead of sliding a fixed window (a new plan per step).")
    var growingCache = false
    @Flag(help: "Print one JSON record per prompt (prompt, text, token ids, counts, prefill ms, decode tokens/s).")
    var json = false
    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let config = try GeneratePipelineConfig.load(path: pipeline)
        let promptList = try readPrompts()
        let generation = GenerationConfig(maxNewTokens: maxNewTokens ?? config.maxNewTokens ?? 32, sampling: sampling(config),
                                          staticDecodeShapes: !growingCache, captureDecode: captureDecode)
        try generation.sampling.validate()
        let generator = try TextGenerator(config: config, sessionOptions: SessionOptions(deviceSelection: deviceOptions.selection))
        let stream = !json && promptList.count == 1
        if stream { FileHandle.standardOutput.write(Data(promptList[0].utf8)) }
        let results = try generator.generate(prompts: promptList, config: generation,
                                             stopStrings: stopStrings + (config.stopStrings ?? [])) { _, text in
            if stream { FileHandle.standardOutput.write(Data(text.utf8)) }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            for result in results {
                FileHandle.standardOutput.write(try encoder.encode(result) + Data("\n".utf8))
            }
        } else if stream {
            print("")
        } else {
            for (index, result) in results.enumerated() {
                print("[\(index)] \(result.prompt)\(result.text)")
            }
        }
        if !json, let first = results.first {
            let tokens = results.reduce(0) { $0 + $1.generatedTokens }
            FileHandle.standardError.write(Data(String(format: "%d prompt(s), %d tokens; prefill %.1f ms, decode %.1f tokens/s\n",
                                                       results.count, tokens, first.prefillMs, first.decodeTokensPerSecond).utf8))
        }
    }

    func sampling(_ config: GeneratePipelineConfig) -> SamplingOptions {
        var options = config.sampling
        if greedy { options.greedy = true }
        if let temperature { options.temperature = temperature; if !greedy { options.greedy = false } }
        if let topK { options.topK = topK }
        if let topP { options.topP = topP }
        if let repetitionPenalty { options.repetitionPenalty = repetitionPenalty }
        if let seed { options.seed = seed }
        return options
    }

    func readPrompts() throws -> [String] {
        switch (prompt, prompts) {
        case (let text?, nil):
            return [text]
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path) else { throw GenerateError.promptsFileUnreadable(path: path) }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
                .map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }.filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw GenerateError.noPrompts("\(path) has no non-empty lines") }
            return lines
        case (.some, .some):
            throw ValidationError("give either --prompt or --prompts, not both")
        case (nil, nil):
            throw ValidationError("give --prompt \"text\" or --prompts FILE")
        }
    }
}
