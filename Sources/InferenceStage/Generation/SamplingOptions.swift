/// How the next token is chosen from a step's logits (the math is in `sample.comp` and
/// `TokenSamplerReference`). Greedy ignores temperature, top-k, top-p and the seed; the repetition
/// penalty applies to both.
public struct SamplingOptions: Sendable, Equatable, Codable {
    public var greedy: Bool
    /// Divides the logits; must be > 0 when not greedy (0 means greedy).
    public var temperature: Float
    /// Keep the k most likely tokens (ties at the k-th value kept); 0 turns it off.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches p; 1 turns it off.
    public var topP: Float
    /// CTRL-style penalty on tokens already in the prompt or generated: positive logits are
    /// divided by it, negative ones multiplied; 1 turns it off.
    public var repetitionPenalty: Float
    /// Seeds the counter-based generator: the same seed gives the same tokens.
    public var seed: UInt64

    public init(greedy: Bool = false, temperature: Float = 1, topK: Int = 0, topP: Float = 1,
                repetitionPenalty: Float = 1, seed: UInt64 = 0) {
        self.greedy = greedy
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }

    public static let greedy = SamplingOptions(greedy: true)

    /// Greedy when asked for or when the temperature is 0.
    public var isGreedy: Bool { greedy || temperature == 0 }

    public func validate() throws(GenerationError) {
        guard temperature.isFinite, temperature >= 0 else {
            throw .invalidSampling("temperature must be a finite number >= 0 (0 means greedy), got \(temperature)")
        }
        guard topK >= 0 else { throw .invalidSampling("top-k must be >= 0 (0 turns it off), got \(topK)") }
        guard topK <= Int(UInt32.max) else { throw .invalidSampling("top-k \(topK) is larger than any vocabulary") }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw .invalidSampling("top-p must be in (0, 1] (1 turns it off), got \(topP)")
        }
        guard repetitionPenalty.isFinite, repetitionPenalty > 0 else {
            throw .invalidSampling("repetition penalty must be > 0 (1 turns it off), got \(repetitionPenalty)")
        }
    }
}
