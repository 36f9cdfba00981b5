import Foundation

/// Why text generation could not start or continue.
public enum GenerationError: Error, LocalizedError, Equatable, Sendable {
    case invalidSampling(String)
    /// The model lacks an input or output the generation loop needs.
    case modelInterface(String)
    case promptTooLong(row: Int, tokens: Int, limit: Int)
    case emptyPrompt(row: Int)
    case tokenOutOfRange(row: Int, token: Int, vocabulary: Int)
    case needsGPU(String)
    case invalidRequest(String)

    public var errorDescription: String? {
        switch self {
        case .invalidSampling(let message):
            return "invalid sampling options: \(message)"
        case .modelInterface(let message):
            return "the model cannot be used for generation: \(message) (export it with scripts/gpt2_onnx_export.py: inputs input_ids, attention_mask, position_ids, past_key_values.N.key/value; outputs logits, present.N.key/value)"
        case let .promptTooLong(row, tokens, limit):
            return "prompt \(row) has \(tokens) tokens; with the new tokens asked for it exceeds the model's \(limit) positions (shorten the prompt or lower --max-new-tokens)"
        case .emptyPrompt(let row):
            return "prompt \(row) has no tokens; give at least one character of text"
        case let .tokenOutOfRange(row, token, vocabulary):
            return "prompt \(row) holds token id \(token), outside the model's vocabulary of \(vocabulary) (tokenizer and model do not match)"
        case .needsGPU(let message):
            return "generation runs on the GPU: \(message)"
        case .invalidRequest(let message):
            return "invalid generation request: \(message)"
        }
    }
}
