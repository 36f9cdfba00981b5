import Foundation

/// Why `sluice generate` (or a TextGenerator) could not run.
public enum GenerateError: Error, LocalizedError, Equatable, Sendable {
    case configNotFound(path: String)
    case malformedConfig(path: String, reason: String)
    case promptsFileUnreadable(path: String)
    case noPrompts(String)
    case vocabularyMismatch(tokenizer: Int, model: Int)

    public var errorDescription: String? {
        switch self {
        case .configNotFound(let path):
            return "generation pipeline not found: \(path) (pass --pipeline with the path of a file like pipelines/generate.json)"
        case let .malformedConfig(path, reason):
            return "\(path): \(reason) (expected {\"model\": \"...onnx\", \"vocabulary\": \"vocab.json\", \"merges\": \"merges.txt\", ...})"
        case .promptsFileUnreadable(let path):
            return "cannot read prompts file \(path) (one prompt per line)"
        case .noPrompts(let detail):
            return "no prompts: \(detail)"
        case let .vocabularyMismatch(tokenizer, model):
            return "the tokenizer has \(tokenizer) tokens but the model's logits have \(model): use the vocab.json and merges.txt the model was trained with"
        }
    }
}
