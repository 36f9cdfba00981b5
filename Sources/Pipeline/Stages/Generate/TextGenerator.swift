import Foundation
import GPUCore
import IOStages
import InferenceStage

/// One prompt's result, as `sluice generate --json` writes it. `text` ends before a stop string;
/// `tokenIds` holds every generated id (including those of a stop string that ended the row).
public struct TextGenerationResult: Sendable, Codable, Equatable {
    public var prompt: String
    public var text: String
    public var promptTokenIds: [Int]
    public var tokenIds: [Int]
    public var promptTokens: Int
    public var generatedTokens: Int
    public var finishReason: FinishReason
    public var prefillMs: Double
    public var decodeTokensPerSecond: Double
}

/// Text in, text out: the BPE tokenizer around a `Generator`, with stop strings and streaming
/// through `StreamingDetokenizer` (multi-byte characters are shown once complete).
public final class TextGenerator: @unchecked Sendable {
    public let tokenizer: BPETokenizer
    public let generator: Generator

    public init(modelPath: String, vocabularyPath: String, mergesPath: String,
                eosToken: String = BPETokenizer.endOfText, sessionOptions: SessionOptions = SessionOptions()) throws {
        tokenizer = try BPETokenizer(vocabularyURL: URL(fileURLWithPath: vocabularyPath), mergesURL: URL(fileURLWithPath: mergesPath),
                                     specialTokens: [eosToken], eosToken: eosToken)
        var options = sessionOptions
        options.preferredOutputLocation = .gpuBuffer
        generator = try Generator(session: InferenceSession(modelPath: modelPath, options: options))
        guard tokenizer.vocabularySize <= generator.interface.vocabularySize else {
            throw GenerateError.vocabularyMismatch(tokenizer: tokenizer.vocabularySize, model: generator.interface.vocabularySize)
        }
    }

    public convenience init(config: GeneratePipelineConfig, sessionOptions: SessionOptions = SessionOptions()) throws {
        try self.init(modelPath: config.modelPath, vocabularyPath: config.vocabularyPath, mergesPath: config.mergesPath,
                      eosToken: config.eosToken ?? BPETokenizer.endOfText, sessionOptions: sessionOptions)
    }

    /// Generates a continuation of every prompt as one batch. `onText(row, text)` receives each
    /// row's text as it is produced. The EOS token defaults to the tokenizer's.
    public func generate(prompts: [String], config: GenerationConfig, stopStrings: [String] = [],
                         onText: ((Int, String) -> Void)? = nil) throws -> [TextGenerationResult] {
        guard !prompts.isEmpty else { throw GenerateError.noPrompts("give --prompt or --prompts FILE") }
        var config = config
        if config.eosTokenID == nil { config.eosTokenID = Int(tokenizer.eosTokenID) }
        let ids = prompts.map { tokenizer.encode($0).map(Int.init) }
        var detokenizers = prompts.map { _ in StreamingDetokenizer(tokenizer: tokenizer, skipSpecialTokens: true) }
        var filters = prompts.map { _ in StopStringFilter(stopStrings: stopStrings) }
        let output = try generator.generate(prompts: ids, config: config) { step in
            var stop = Set<Int>()
            for (row, token) in step.tokens.enumerated() {
                guard let token, token != config.eosTokenID else { continue }
                let shown = filters[row].append(try detokenizers[row].feed(Int32(token)))
                if !shown.isEmpty { onText?(row, shown) }
                if filters[row].stopped { stop.insert(row) }
            }
            for row in step.finishing where !filters[row].stopped {
                let rest = filters[row].append(detokenizers[row].flush()) + filters[row].finish()
                if !rest.isEmpty { onText?(row, rest) }
            }
            return stop
        }
        return prompts.indices.map { row in
            let sequence = output.sequences[row]
            return TextGenerationResult(
                prompt: prompts[row], text: filters[row].text, promptTokenIds: ids[row], tokenIds: sequence.tokens,
                promptTokens: ids[row].count, generatedTokens: sequence.tokens.count, finishReason: sequence.finishReason,
                prefillMs: output.prefillSeconds * 1000, decodeTokensPerSecond: output.decodeTokensPerSecond)
        }
    }
}
