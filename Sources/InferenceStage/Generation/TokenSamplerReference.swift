import Foundation

/// The CPU statement of `sample.comp`'s math, step for step: the oracle for the GPU sampler and the
/// reference for statistical tests. Sums in the draw use the same contiguous chunks as the shader
/// (`chunks` = its workgroup size), so the two differ only where exp rounds differently.
public enum TokenSamplerReference {
    /// Order-preserving map of a float to an unsigned key (larger float, larger key).
    public static func orderKey(_ x: Float) -> UInt32 {
        let bits = x.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }

    /// Logits after the repetition penalty (greedy) or penalty and temperature (sampling).
    public static func adjustedLogits(_ logits: [Float], seen: Set<Int>, options: SamplingOptions) -> [Float] {
        let invTemperature: Float = options.isGreedy ? 1 : 1 / options.temperature
        return logits.enumerated().map { id, raw in
            var x = raw.isNaN ? -Float.infinity : raw
            if options.repetitionPenalty != 1 && seen.contains(id) {
                x = x > 0 ? x / options.repetitionPenalty : x * options.repetitionPenalty
            }
            return options.isGreedy ? x : x * invTemperature
        }
    }

    /// The smallest key a token needs to stay in the top-k / top-p set.
    public static func keepThreshold(_ work: [Float], options: SamplingOptions) -> UInt32 {
        let keys = work.map(orderKey)
        let maxValue = work.max() ?? 0
        var threshold: UInt32 = 0
        if options.topK > 0 && options.topK < work.count {
            for bit in (0..<32).reversed() {
                let candidate = threshold | (1 << UInt32(bit))
                if keys.filter({ $0 >= candidate }).count >= options.topK { threshold = candidate }
            }
        }
        if options.topP < 1 {
            func mass(_ bound: UInt32) -> Float {
                var sum: Float = 0
                for (x, key) in zip(work, keys) where key >= bound { sum += exp(x - maxValue) }
                return sum
            }
            let target = options.topP * mass(threshold)
            var nucleus: UInt32 = 0
            for bit in (0..<32).reversed() {
                let candidate = nucleus | (1 << UInt32(bit))
                let total = mass(max(candidate, threshold))
                if total > 0 && total >= target { nucleus = candidate }
            }
            threshold = max(threshold, nucleus)
        }
        return threshold
    }

    /// The probabilities the draw uses (0 outside the kept set), for statistical tests.
    public static func probabilities(_ logits: [Float], seen: Set<Int> = [], options: SamplingOptions) -> [Double] {
        let work = adjustedLogits(logits, seen: seen, options: options)
        if options.isGreedy {
            var p = [Double](repeating: 0, count: logits.count)
            if let best = argmax(work) { p[best] = 1 }
            return p
        }
        let threshold = keepThreshold(work, options: options)
        let maxValue = work.max() ?? 0
        let weights = work.map { orderKey($0) >= threshold ? Double(exp($0 - maxValue)) : 0 }
        let total = weights.reduce(0, +)
        return weights.map { total > 0 ? $0 / total : 0 }
    }

    /// The token `sample.comp` picks for one row at one step.
    public static func sample(_ logits: [Float], seen: Set<Int> = [], options: SamplingOptions,
                              step: Int, row: Int, chunks: Int = TokenSampler.workgroupSize) -> Int {
        let work = adjustedLogits(logits, seen: seen, options: options)
        guard let best = argmax(work) else { return 0 }
        if options.isGreedy { return best }
        let threshold = keepThreshold(work, options: options)
        let maxValue = work[best]
        let chunk = (work.count + chunks - 1) / chunks
        var parts = [Float](repeating: 0, count: chunks)
        for (id, x) in work.enumerated() where orderKey(x) >= threshold { parts[id / chunk] += exp(x - maxValue) }
        var total: Float = 0
        for part in parts { total += part }
        let target = Philox.uniform(seed: options.seed, step: step, row: row) * total
        var running: Float = 0
        for (index, part) in parts.enumerated() {
            if running + part > target {
                for id in (index * chunk)..<min((index + 1) * chunk, work.count) where orderKey(work[id]) >= threshold {
                    running += exp(work[id] - maxValue)
                    if running > target { return id }
                }
                return best
            }
            running += part
        }
        return best
    }

    /// Index of the largest value, the lowest index on ties.
    static func argmax(_ values: [Float]) -> Int? {
        guard var best = values.indices.first else { return nil }
        for i in values.indices where values[i] > values[best] { best = i }
        return best
    }
}
