import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// The GPU sampler (`sample.comp`) against its CPU reference, and the distributions it draws from.
@Suite struct TokenSamplerTests {
    let context = OperatorHarness.context

    /// Deterministic pseudo-random logits in [-scale, scale].
    static func logits(rows: Int, vocabulary: Int, seed: UInt64, scale: Float = 4) -> [[Float]] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        return (0..<rows).map { _ in (0..<vocabulary).map { _ in next() * scale } }
    }

    func gpuTensor(_ rows: [[Float]]) throws -> Tensor {
        let flat = rows.flatMap { $0 }
        let buffer = try context.makeBuffer(bytes: flat.withUnsafeBytes { [UInt8]($0) })
        return try Tensor.fromGpuBuffer(buffer, dataType: .float32, dims: [rows.count, rows[0].count])
    }

    @Test func philoxMatchesTheRandom123KnownAnswers() {
        let zero = Philox.block(counter: (0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox.block(counter: (.max, .max, .max, .max), key: (.max, .max))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = Philox.block(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
        #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test func greedyPicksTheLowestIdOfTheMaximum() throws {
        var rows = Self.logits(rows: 3, vocabulary: 1000, seed: 1)
        rows[1][10] = 50; rows[1][700] = 50   // tie: the lower id wins
        rows[2][999] = 9
        let sampler = try TokenSampler(context: context, rows: 3, vocabularySize: 1000, options: .greedy)
        let ids = try sampler.sample(logits: try gpuTensor(rows), step: 0)
        #expect(ids == rows.map { TokenSamplerReference.sample($0, options: .greedy, step: 0, row: 0) })
        #expect(ids[1] == 10 && ids[2] == 999)
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test(arguments: [
        SamplingOptions(temperature: 1, seed: 7),
        SamplingOptions(temperature: 0.7, topK: 20, seed: 8),
        SamplingOptions(temperature: 1.3, topP: 0.9, seed: 9),
        SamplingOptions(temperature: 0.9, topK: 50, topP: 0.8, repetitionPenalty: 1.3, seed: 10),
    ])
    func gpuDrawsMatchTheCPUReference(options: SamplingOptions) throws {
        let rows = Self.logits(rows: 64, vocabulary: 777, seed: options.seed)
        let history: [[Int]] = (0..<64).map { row in [row, row * 7 % 777, 5] }
        let sampler = try TokenSampler(context: context, rows: 64, vocabularySize: 777, options: options)
        try sampler.setHistory(history)
        let ids = try sampler.sample(logits: try gpuTensor(rows), step: 3)
        let expected = (0..<64).map { row in
            TokenSamplerReference.sample(rows[row], seen: Set(history[row]), options: options, step: 3, row: row)
        }
        // exp and the top-p sums round differently on the GPU; a draw right at a boundary may differ.
        let mismatches = zip(ids, expected).filter { $0 != $1 }.count
        #expect(mismatches <= 1, "GPU and CPU differ in \(mismatches) of 64 draws")
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test func sameSeedSameTokensOtherSeedOtherTokens() throws {
        let rows = Self.logits(rows: 32, vocabulary: 500, seed: 3, scale: 1)
        func draw(_ seed: UInt64) throws -> [Int] {
            let sampler = try TokenSampler(context: context, rows: 32, vocabularySize: 500,
                                           options: SamplingOptions(temperature: 1, topP: 0.95, seed: seed))
            return try sampler.sample(logits: try gpuTensor(rows), step: 4)
        }
        let a = try draw(42), b = try draw(42), c = try draw(43)
        #expect(a == b)
        #expect(a != c)
    }

    /// Draws `count` samples of one distribution: each row is an independent draw (the counter is
    /// (step, row)).
    func histogram(_ logits: [Float], options: SamplingOptions, count: Int) throws -> [Int] {
        let sampler = try TokenSampler(context: context, rows: count, vocabularySize: logits.count, options: options)
        let ids = try sampler.sample(logits: try gpuTensor(Array(repeating: logits, count: count)), step: 0)
        var histogram = [Int](repeating: 0, count: logits.count)
        for id in ids { histogram[id] += 1 }
        return histogram
    }

    /// Pearson's chi-square statistic of observed counts against expected probabilities
    /// (categories with zero probability must be empty).
    func chiSquare(_ observed: [Int], _ probabilities: [Double]) -> Double {
        let total = Double(observed.reduce(0, +))
        var statistic = 0.0
        for (o, p) in zip(observed, probabilities) where p > 0 {
            let e = p * total
            statistic += (Double(o) - e) * (Double(o) - e) / e
        }
        return statistic
    }

    @Test func topKDrawsOnlyTheKBestInProportion() throws {
        let logits: [Float] = (0..<40).map { Float(($0 * 17) % 40) / 10 }   // distinct values 0...3.9
        let options = SamplingOptions(temperature: 1, topK: 5, seed: 11)
        let histogram = try histogram(logits, options: options, count: 8000)
        let p = TokenSamplerReference.probabilities(logits, options: options)
        #expect(p.filter { $0 > 0 }.count == 5)
        for (id, count) in histogram.enumerated() where p[id] == 0 { #expect(count == 0, "token \(id) is outside the top 5") }
        // 4 degrees of freedom: 18.5 is the 0.1 % critical value.
        #expect(chiSquare(histogram, p) < 18.5)
    }

    @Test func topPDrawsOnlyTheNucleusInProportion() throws {
        // Probabilities 0.4, 0.3, 0.2, 0.1 (and tiny rest): top-p 0.75 keeps the first three.
        var logits = [Float](repeating: -20, count: 64)
        for (id, p) in [(3, 0.4), (9, 0.3), (20, 0.2), (33, 0.1)] { logits[id] = Float(log(p)) }
        let options = SamplingOptions(temperature: 1, topP: 0.75, seed: 12)
        let p = TokenSamplerReference.probabilities(logits, options: options)
        #expect(p.indices.filter { p[$0] > 0 } == [3, 9, 20])
        #expect(abs(p[3] - 4.0 / 9) < 1e-4)
        let histogram = try histogram(logits, options: options, count: 8000)
        #expect(histogram[33] == 0 && histogram.reduce(0, +) == histogram[3] + histogram[9] + histogram[20])
        // 2 degrees of freedom: 13.8 is the 0.1 % critical value.
        #expect(chiSquare(histogram, p) < 13.8)
    }

    @Test func topKKeepsTiesAtTheKthValueAndNaNIsNeverDrawn() throws {
        // k = 2 but three tokens share the largest value: all three stay, each a third.
        let logits: [Float] = [1, .nan, 1, 0.2, 1, -3]
        let options = SamplingOptions(temperature: 1, topK: 2, seed: 13)
        let p = TokenSamplerReference.probabilities(logits, options: options)
        #expect(p.indices.filter { p[$0] > 0 } == [0, 2, 4])
        let histogram = try histogram(logits, options: options, count: 3000)
        #expect(histogram[1] == 0 && histogram[3] == 0 && histogram[5] == 0)
        // 2 degrees of freedom: 13.8 is the 0.1 % critical value.
        #expect(chiSquare(histogram, p) < 13.8)
    }

    @Test func temperatureSharpensTheDistribution() throws {
        let logits: [Float] = [1, 0.5, 0, -0.5]
        let cold = try histogram(logits, options: SamplingOptions(temperature: 0.25, seed: 5), count: 4000)
        let hot = try histogram(logits, options: SamplingOptions(temperature: 4, seed: 5), count: 4000)
        #expect(cold[0] > hot[0])
        #expect(chiSquare(cold, TokenSamplerReference.probabilities(logits, options: SamplingOptions(temperature: 0.25))) < 16.3)
        #expect(chiSquare(hot, TokenSamplerReference.probabilities(logits, options: SamplingOptions(temperature: 4))) < 16.3)
    }

    @Test func repetitionPenaltyTurnsGreedyAwayFromSeenTokens() throws {
        let logits: [Float] = [0.1, 3, 2.5, -1, -0.5]
        let options = SamplingOptions(greedy: true, repetitionPenalty: 1.5)
        let sampler = try TokenSampler(context: context, rows: 2, vocabularySize: 5, options: options)
        try sampler.setHistory([[1], []])
        let tensor = try gpuTensor([logits, logits])
        // Row 0 saw token 1: 3 / 1.5 = 2 < 2.5. Row 1 saw nothing.
        #expect(try sampler.sample(logits: tensor, step: 0) == [2, 1])
        // The chosen tokens join the history on the GPU: row 0 now saw 1 and 2 (2.5 / 1.5 < 2),
        // row 1 saw 1 (3 / 1.5 = 2 < 2.5).
        #expect(try sampler.sample(logits: tensor, step: 1) == [1, 2])
        #expect(TokenSamplerReference.sample(logits, seen: [1], options: options, step: 0, row: 0) == 2)
    }

    @Test func invalidOptionsAreRejectedWithTheLimit() throws {
        #expect(throws: GenerationError.self) { try SamplingOptions(temperature: -1).validate() }
        #expect(throws: GenerationError.self) { try SamplingOptions(topP: 0).validate() }
        #expect(throws: GenerationError.self) { try SamplingOptions(topK: -3).validate() }
        #expect(throws: GenerationError.self) { try SamplingOptions(repetitionPenalty: 0).validate() }
        do {
            _ = try TokenSampler(context: context, rows: 1, vocabularySize: 10, options: SamplingOptions(topP: 1.5))
            Issue.record("top-p 1.5 should fail")
        } catch {
            #expect(error.localizedDescription == "invalid sampling options: top-p must be in (0, 1] (1 turns it off), got 1.5")
        }
    }
}
