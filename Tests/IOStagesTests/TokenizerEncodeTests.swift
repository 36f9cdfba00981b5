import Foundation
import Testing

@testable import IOStages

@Suite struct TokenizerEncodeTests {
    @Test func encodeMatchesHuggingFaceTokenizersForEveryFixtureString() throws {
        let expectations = try TokenizerFixtures.expectations()
        let tokenizer = try TokenizerFixtures.tokenizer()
        #expect(expectations.cases.count >= 80)
        for fixture in expectations.cases {
            #expect(tokenizer.encode(fixture.text) == fixture.ids, "text: \(fixture.text.debugDescription)")
        }
    }

    @Test func encodeMatchesHuggingFaceTokenizersOnRandomStringsOfTrickyScalars() throws {
        let expectations = try TokenizerFixtures.expectations()
        let tokenizer = try TokenizerFixtures.tokenizer()
        #expect(expectations.randomCases.count >= 400)
        for fixture in expectations.randomCases {
            #expect(tokenizer.encode(fixture.text) == fixture.ids, "scalars: \(fixture.text.unicodeScalars.map(\.value))")
            #expect(try tokenizer.decode(fixture.ids) == fixture.text)
        }
    }

    @Test func decodeRestoresEveryFixtureString() throws {
        let expectations = try TokenizerFixtures.expectations()
        let tokenizer = try TokenizerFixtures.tokenizer()
        for fixture in expectations.cases {
            #expect(try tokenizer.decode(fixture.ids) == fixture.text, "text: \(fixture.text.debugDescription)")
        }
    }

    @Test func specialTokensHaveTheFixtureIDs() throws {
        let expectations = try TokenizerFixtures.expectations()
        let tokenizer = try TokenizerFixtures.tokenizer()
        #expect(expectations.specialTokenIds == [0, 2000])
        #expect(tokenizer.eosTokenID == expectations.specialTokenIds[0])
        #expect(tokenizer.tokenID(for: "<|endoftext|>") == 0)
        // "<|sep|>" is absent from vocab.json, so it is appended after the largest id.
        #expect(tokenizer.tokenID(for: "<|sep|>") == 2000)
        #expect(tokenizer.vocabularySize == 2001)
        #expect(tokenizer.isSpecialToken(0) && tokenizer.isSpecialToken(2000))
        #expect(!tokenizer.isSpecialToken(1) && !tokenizer.isSpecialToken(-1) && !tokenizer.isSpecialToken(2001))
        #expect(tokenizer.specialTokens == [.init(text: "<|endoftext|>", id: 0), .init(text: "<|sep|>", id: 2000)])
        #expect(tokenizer.mergeCount == 1999 - 256)
    }

    @Test func eosTokenIsSpecialEvenWhenNotListed() throws {
        let tokenizer = try BPETokenizer(directory: TokenizerFixtures.directory, specialTokens: [])
        #expect(tokenizer.eosTokenID == 0)
        #expect(tokenizer.encode("a<|endoftext|>b") == [tokenizer.tokenID(for: "a"), 0, tokenizer.tokenID(for: "b")])
        // Without "<|sep|>" in the list, the text is ordinary text.
        #expect(tokenizer.encode("<|sep|>").count > 1)
        #expect(tokenizer.vocabularySize == 2000)

        let custom = try BPETokenizer(directory: TokenizerFixtures.directory, eosToken: "<|sep|>")
        #expect(custom.eosTokenID == 2000)
        #expect(custom.specialTokens == [.init(text: "<|endoftext|>", id: 0), .init(text: "<|sep|>", id: 2000)])
    }

    @Test func longestSpecialTokenWinsWhereTwoStartTogether() throws {
        let tokenizer = try BPETokenizer(
            directory: TokenizerFixtures.directory, specialTokens: ["<|end", "<|endoftext|>"])
        let shortID = try #require(tokenizer.tokenID(for: "<|end"))
        #expect(tokenizer.encode("<|endoftext|>") == [0])
        #expect(tokenizer.encode("<|endx").first == shortID)
    }

    @Test func decodeCanSkipSpecialTokens() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let ids = tokenizer.encode("first<|endoftext|>second<|sep|>")
        #expect(try tokenizer.decode(ids, skipSpecialTokens: true) == "firstsecond")
        #expect(try tokenizer.decode(ids) == "first<|endoftext|>second<|sep|>")
    }

    @Test func decodeReplacesInvalidUTF8OnlyWhereTheJoinedBytesAreInvalid() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let byteID = { (byte: UInt8) in tokenizer.tokenID(for: ByteLevelAlphabet.token(forByte: byte)) ?? -1 }
        // U+1F355 is F0 9F 8D 95: split over four tokens, it still decodes to one character.
        #expect(try tokenizer.decode([0xF0, 0x9F, 0x8D, 0x95].map(byteID)) == "\u{1F355}")
        // Cut short and followed by "a": one replacement character for the incomplete sequence.
        #expect(try tokenizer.decode([0xF0, 0x9F, 0x8D, 0x61].map(byteID)) == "\u{FFFD}a")
        #expect(try tokenizer.decode([0xFF, 0x61].map(byteID)) == "\u{FFFD}a")
        #expect(try tokenizer.bytes(of: byteID(0xF0)) == [0xF0])
    }

    @Test func heapMergeAgreesWithGPT2sRescanningMergeLoop() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let table = try BPEMergeTable.fixture()
        let letters = Array("aeiounrsthldm ".utf8)
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let length = Int.random(in: 2...40, using: &generator)
            let bytes = (0..<length).map { _ in letters.randomElement(using: &generator) ?? 0x61 }
            let symbols = bytes.map { tokenizer.tokenID(for: ByteLevelAlphabet.token(forByte: $0)) ?? -1 }
            #expect(table.apply(to: symbols) == table.rescanningReference(symbols), "bytes: \(bytes)")
        }
    }

    @Test func longPiecesWithoutSpacesEncodeAndRoundTrip() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let text = String(repeating: "thereof", count: 20_000)
        let ids = tokenizer.encode(text)
        #expect(ids.count < text.utf8.count / 2)
        #expect(try tokenizer.decode(ids) == text)
    }

    @Test func concurrentEncodesShareTheCacheSafely() async throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let cases = try TokenizerFixtures.expectations().cases
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var wrong = 0
                    var generator = SeededGenerator(seed: UInt64(worker))
                    for _ in 0..<20 {
                        for fixture in cases.shuffled(using: &generator)
                        where tokenizer.encode(fixture.text) != fixture.ids {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}

extension BPEMergeTable {
    static func fixture() throws -> BPEMergeTable {
        let tokenizer = try TokenizerFixtures.tokenizer()
        var table = BPEMergeTable()
        let text = String(decoding: try TokenizerFixtures.mergesData(), as: UTF8.self)
        var rank: Int32 = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#version") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2, let left = tokenizer.tokenID(for: parts[0]),
                let right = tokenizer.tokenID(for: parts[1]),
                let result = tokenizer.tokenID(for: parts[0] + parts[1])
            else { throw TokenizerError.malformedMerge(path: "merges.txt", line: Int(rank), text: String(line)) }
            table.add(left: left, right: right, result: result, rank: rank)
            rank += 1
        }
        return table
    }

    /// GPT-2's original loop, the specification: find the lowest-ranked pair, merge every
    /// occurrence of it from left to right, and start again.
    func rescanningReference(_ symbols: [Int32]) -> [Int32] {
        var symbols = symbols
        while symbols.count > 1 {
            var best: Rule?
            for index in 0..<(symbols.count - 1) {
                if let rule = rule(symbols[index], symbols[index + 1]), rule.rank < best?.rank ?? .max { best = rule }
            }
            guard let chosen = best else { break }
            var merged: [Int32] = []
            var index = 0
            while index < symbols.count {
                if index + 1 < symbols.count, let rule = rule(symbols[index], symbols[index + 1]), rule.rank == chosen.rank {
                    merged.append(rule.result)
                    index += 2
                } else {
                    merged.append(symbols[index])
                    index += 1
                }
            }
            symbols = merged
        }
        return symbols
    }
}

@Suite struct TokenizerWordCacheTests {
    @Test func cacheStartsAgainEmptyWhenFullAndSkipsLongPieces() {
        let cache = BPEWordCache(capacity: 2)
        let pieces: [[UInt8]] = [[1, 2], [3, 4], [5, 6]]
        cache.store([1], for: pieces[0][...])
        cache.store([2], for: pieces[1][...])
        #expect(cache.count == 2)
        #expect(cache.ids(for: pieces[1][...]) == [2])
        cache.store([3], for: pieces[2][...])
        #expect(cache.count == 1)
        #expect(cache.ids(for: pieces[0][...]) == nil)
        #expect(cache.ids(for: pieces[2][...]) == [3])
        let long = [UInt8](repeating: 7, count: BPEWordCache.maximumPieceLength + 1)
        cache.store([9], for: long[...])
        #expect(cache.ids(for: long[...]) == nil)
        // A slice of a larger buffer finds the entry stored from a separate array.
        let text: [UInt8] = [0, 5, 6, 0]
        #expect(cache.ids(for: text[1..<3]) == [3])
    }
}
