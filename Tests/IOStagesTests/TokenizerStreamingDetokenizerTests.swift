import Foundation
import Testing

@testable import IOStages

@Suite struct TokenizerStreamingDetokenizerTests {
    /// Feeds ids one at a time and returns every chunk, the flushed rest last.
    private func stream(_ ids: [Int32], with tokenizer: BPETokenizer) throws -> [String] {
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var chunks: [String] = []
        for id in ids { chunks.append(try detokenizer.feed(id)) }
        chunks.append(detokenizer.flush())
        return chunks
    }

    @Test func streamedTextEqualsFullDecodeForEveryFixtureString() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        for fixture in try TokenizerFixtures.expectations().cases {
            let chunks = try stream(fixture.ids, with: tokenizer)
            #expect(chunks.joined() == fixture.text, "text: \(fixture.text.debugDescription)")
            // The fixture texts are valid, so a replacement character would mean a chunk was cut
            // inside a character.
            #expect(!chunks.contains { $0.unicodeScalars.contains("\u{FFFD}") }, "chunks: \(chunks)")
            #expect(chunks.last == "")
        }
    }

    @Test func emojiSplitAcrossTokensIsHeldBackUntilComplete() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let text = "\u{1F355}\u{1F355} \u{4E16}"
        let ids = tokenizer.encode(text)
        // The test only means something if some token carries part of a character.
        let partial = try ids.filter { String(bytes: try tokenizer.bytes(of: $0), encoding: .utf8) == nil }
        #expect(!partial.isEmpty)

        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var emitted = ""
        var heldBack = 0
        for id in ids {
            let chunk = try detokenizer.feed(id)
            if chunk.isEmpty { heldBack += 1 }
            #expect(!chunk.unicodeScalars.contains("\u{FFFD}"))
            #expect(text.hasPrefix(emitted + chunk))
            emitted += chunk
        }
        #expect(heldBack > 0)
        #expect(detokenizer.pendingByteCount == 0)
        #expect(emitted + detokenizer.flush() == text)
    }

    @Test func bytesSplitOneTokenAtATimeComeOutAsWholeCharacters() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let text = "é\u{1F468}\u{200D}\u{1F469}x"
        let ids = Array(text.utf8).map { tokenizer.tokenID(for: ByteLevelAlphabet.token(forByte: $0)) ?? -1 }
        let chunks = try stream(ids, with: tokenizer)
        #expect(chunks == ["", "é", "", "", "", "\u{1F468}", "", "", "\u{200D}", "", "", "", "\u{1F469}", "x", ""])
    }

    @Test func flushReplacesASequenceThatNeverCompletes() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        let byteID = { (byte: UInt8) in tokenizer.tokenID(for: ByteLevelAlphabet.token(forByte: byte)) ?? -1 }
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(try detokenizer.feed(byteID(0x61)) == "a")
        #expect(try detokenizer.feed(byteID(0xF0)) == "")
        #expect(try detokenizer.feed(byteID(0x9F)) == "")
        #expect(detokenizer.pendingByteCount == 2)
        #expect(detokenizer.flush() == "\u{FFFD}")
        #expect(detokenizer.pendingByteCount == 0)
        #expect(try detokenizer.feed(byteID(0x62)) == "b")
    }

    @Test func randomTokenSequencesStreamToTheSameTextAsFullDecode() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        var generator = SeededGenerator(seed: 2026)
        for _ in 0..<300 {
            let length = Int.random(in: 0...24, using: &generator)
            let ids = (0..<length).map { _ in Int32.random(in: 0..<Int32(tokenizer.vocabularySize), using: &generator) }
            #expect(try stream(ids, with: tokenizer).joined() == tokenizer.decode(ids), "ids: \(ids)")
        }
        // Sequences built from raw bytes hit truncated, overlong and surrogate forms far more often.
        let interesting: [UInt8] = [0x41, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF]
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 1...10, using: &generator)).map { _ in
                interesting.randomElement(using: &generator) ?? 0x41
            }
            let ids = bytes.map { tokenizer.tokenID(for: ByteLevelAlphabet.token(forByte: $0)) ?? -1 }
            #expect(try stream(ids, with: tokenizer).joined() == tokenizer.decode(ids), "bytes: \(bytes)")
        }
    }

    @Test func skippedSpecialTokensDoNotAppearInTheStream() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer, skipSpecialTokens: true)
        var text = ""
        for id in tokenizer.encode("one<|endoftext|>two") { text += try detokenizer.feed(id) }
        #expect(text + detokenizer.flush() == "onetwo")
    }

    @Test func completePrefixLengthHoldsBackOnlyValidIncompleteTails() {
        #expect(UTF8Completeness.completePrefixLength(of: []) == 0)
        #expect(UTF8Completeness.completePrefixLength(of: [0x61, 0x62]) == 2)
        #expect(UTF8Completeness.completePrefixLength(of: [0x61, 0xE2, 0x82]) == 1)
        #expect(UTF8Completeness.completePrefixLength(of: [0x61, 0xE2, 0x82, 0xAC]) == 4)
        #expect(UTF8Completeness.completePrefixLength(of: [0xF0, 0x9F, 0x8D]) == 0)
        // E0 80 can never become valid (overlong), nor ED A0 (a surrogate), nor F4 90 (> U+10FFFF).
        #expect(UTF8Completeness.completePrefixLength(of: [0xE0, 0x80]) == 2)
        #expect(UTF8Completeness.completePrefixLength(of: [0xED, 0xA0]) == 2)
        #expect(UTF8Completeness.completePrefixLength(of: [0xF4, 0x90]) == 2)
        #expect(UTF8Completeness.completePrefixLength(of: [0x80, 0x80, 0x80, 0x80]) == 4)
        #expect(UTF8Completeness.completePrefixLength(of: [0xC0]) == 1)
        #expect(UTF8Completeness.completePrefixLength(of: [0x61, 0xC3]) == 1)
    }
}
