import Foundation
import InferenceStage

/// `pipelines/generate.json`: the model and tokenizer of `sluice generate` and its default
/// settings. Paths are relative to the JSON file's folder; command-line flags override the rest.
public struct GeneratePipelineConfig: Codable, Sendable, Equatable {
    public var model: String
    public var vocabulary: String
    public var merges: String
    public var maxNewTokens: Int?
    public var greedy: Bool?
    public var temperature: Float?
    public var topK: Int?
    public var topP: Float?
    public var repetitionPenalty: Float?
    public var seed: UInt64?
    /// Text that ends a row's output when it appears (not included in the output).
    public var stopStrings: [String]?
    /// The end-of-text token (default `<|endoftext|>`).
    public var eosToken: String?

    public init(model: String, vocabulary: String, merges: String) {
        self.model = model
        self.vocabulary = vocabulary
        self.merges = merges
    }

    /// Folder the relative paths start from (set by `load`).
    public private(set) var baseDirectory: String = "."

    enum CodingKeys: String, CodingKey {
        case model, vocabulary, merges, maxNewTokens, greedy, temperature, topK, topP, repetitionPenalty, seed, stopStrings, eosToken
    }

    public static func load(path: String) throws(GenerateError) -> GeneratePipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configNotFound(path: path)
        }
        var config: GeneratePipelineConfig
        do {
            config = try JSONDecoder().decode(GeneratePipelineConfig.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformedConfig(path: path, reason: "missing key '\(Self.keyPath(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(type, context) {
            throw .malformedConfig(path: path, reason: "'\(Self.keyPath(context.codingPath))' must be \(type)")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .malformedConfig(path: path, reason: "'\(Self.keyPath(context.codingPath))' must be \(type), not null")
        } catch {
            throw .malformedConfig(path: path, reason: "not valid JSON (\(error.localizedDescription))")
        }
        config.baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return config
    }

    static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// `relative` resolved against the config's folder (absolute paths unchanged).
    public func resolve(_ relative: String) -> String {
        relative.hasPrefix("/") ? relative : URL(fileURLWithPath: baseDirectory).appendingPathComponent(relative).path
    }

    public var modelPath: String { resolve(model) }
    public var vocabularyPath: String { resolve(vocabulary) }
    public var mergesPath: String { resolve(merges) }

    /// The sampling defaults of this file.
    public var sampling: SamplingOptions {
        var options = SamplingOptions()
        if let greedy { options.greedy = greedy }
        if let temperature { options.temperature = temperature }
        if let topK { options.topK = topK }
        if let topP { options.topP = topP }
        if let repetitionPenalty { options.repetitionPenalty = repetitionPenalty }
        if let seed { options.seed = seed }
        return options
    }
}
