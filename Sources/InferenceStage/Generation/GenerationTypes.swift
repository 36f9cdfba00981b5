import GPUCore

/// Limits and stop conditions of one generation call.
public struct GenerationConfig: Sendable, Equatable {
    public var maxNewTokens: Int
    public var sampling: SamplingOptions
    /// A row stops when it produces this token (the token is not part of its output); nil: never.
    public var eosTokenID: Int?
    /// Fills the left of shorter prompts in a batch (masked out, so its value does not matter to
    /// the result); defaults to the EOS token or 0.
    public var padTokenID: Int?
    /// Decode with a fixed-size cache window (every decode step has the same shapes: one plan for
    /// the whole loop) instead of a cache that grows by one position per step (a new plan per
    /// step, no copies). See `KVCache`.
    public var staticDecodeShapes: Bool
    /// Record the decode step once and replay it (needs `staticDecodeShapes` and every decode node
    /// on the GPU; otherwise the first decode step fails with `InferenceError.graphCapture`).
    /// Uses a second session over the same model for the decode steps.
    public var captureDecode: Bool

    public init(maxNewTokens: Int = 32, sampling: SamplingOptions = .greedy, eosTokenID: Int? = nil, padTokenID: Int? = nil,
                staticDecodeShapes: Bool = true, captureDecode: Bool = false) {
        self.captureDecode = captureDecode
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.eosTokenID = eosTokenID
        self.padTokenID = padTokenID
        self.staticDecodeShapes = staticDecodeShapes
    }
}

public enum FinishReason: String, Sendable, Codable, Equatable {
    /// The EOS token came.
    case eos
    /// The caller asked the row to stop (a stop string matched).
    case stop
    /// maxNewTokens were produced.
    case length
}

/// One row's result: the generated ids (without the EOS token) and why it ended.
public struct GeneratedSequence: Sendable, Equatable {
    public var promptTokens: [Int]
    public var tokens: [Int]
    public var finishReason: FinishReason
}

/// What one decode step produced, handed to the caller as it happens (for streaming).
public struct GenerationStep: Sendable {
    /// 0 is the token chosen after the prefill.
    public let index: Int
    /// The token each row produced, nil for rows that had finished before this step.
    public let tokens: [Int?]
    /// The rows that finish with this step (EOS or length).
    public let finishing: Set<Int>
}

public struct GenerationOutput: Sendable {
    public var sequences: [GeneratedSequence]
    /// Prefill run plus the first token's choice.
    public var prefillSeconds: Double
    /// Every decode step after the first token.
    public var decodeSeconds: Double
    /// Model runs after the prefill.
    public var decodeSteps: Int
    /// Decode steps that replayed a captured recording (`captureDecode`; the first one records).
    public var capturedReplays: Int = 0
    /// Tokens counted for rows still running (finished rows are not counted).
    public var generatedTokens: Int { sequences.reduce(0) { $0 + $1.tokens.count } }
    /// Tokens per second of the decode phase over all rows (0 when there was none).
    public var decodeTokensPerSecond: Double {
        let decoded = sequences.reduce(0) { $0 + max($1.tokens.count - 1, 0) }
        return decodeSeconds > 0 ? Double(decoded) / decodeSeconds : 0
    }
}
