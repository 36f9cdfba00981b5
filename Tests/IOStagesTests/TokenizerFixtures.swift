import Foundation
import Testing

@testable import IOStages

/// The byte-level BPE fixtures made by scripts/make_tokenizer_fixtures.py with HuggingFace
/// `tokenizers`: a 2000-token vocabulary and the ids `tokenizers` gives for a set of strings.
enum TokenizerFixtures {
    struct Case: Decodable, Sendable {
        let text: String
        let ids: [Int32]
    }

    struct Expectations: Decodable, Sendable {
        let specialTokens: [String]
        let specialTokenIds: [Int32]
        /// Strings chosen to exercise each branch of the pre-tokeniser.
        let cases: [Case]
        /// Random strings over a pool of scalars at the edges of the pre-tokeniser's classes.
        let randomCases: [Case]

        enum CodingKeys: String, CodingKey {
            case specialTokens = "special_tokens"
            case specialTokenIds = "special_token_ids"
            case cases
            case randomCases = "random_cases"
        }
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("tokenizer")

    static func expectations() throws -> Expectations {
        let data = try Data(contentsOf: directory.appendingPathComponent("cases.json"))
        return try JSONDecoder().decode(Expectations.self, from: data)
    }

    /// The fixture tokenizer with the special tokens the fixture was generated with.
    static func tokenizer() throws -> BPETokenizer {
        try BPETokenizer(directory: directory, specialTokens: try expectations().specialTokens)
    }

    static func vocabularyData() throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("vocab.json"))
    }

    static func mergesData() throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent("merges.txt"))
    }

    /// A fresh directory for files a test writes; the caller removes it.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sluice-tokenizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A small deterministic generator (SplitMix64), so that randomised tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
