import Foundation
import Testing

@testable import IOStages

@Suite struct TokenizerErrorTests {
    /// Builds a tokenizer from in-memory contents and returns the error it throws.
    private func loadError(vocabulary: Data, merges: String, specialTokens: [String] = [BPETokenizer.endOfText]) -> TokenizerError? {
        do {
            _ = try BPETokenizer(
                vocabularyJSON: vocabulary, merges: Data(merges.utf8), specialTokens: specialTokens,
                vocabularyName: "model/vocab.json", mergesName: "model/merges.txt")
            return nil
        } catch {
            return error
        }
    }

    /// The fixture vocabulary as a dictionary, to be altered.
    private func fixtureVocabulary() throws -> [String: Int] {
        try JSONDecoder().decode([String: Int].self, from: try TokenizerFixtures.vocabularyData())
    }

    private func json(_ vocabulary: [String: Int]) throws -> Data {
        try JSONEncoder().encode(vocabulary)
    }

    @Test func missingFileIsNamed() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let vocabulary = directory.appendingPathComponent("vocab.json")
        try TokenizerFixtures.vocabularyData().write(to: vocabulary)
        let missing = directory.appendingPathComponent("merges.txt")
        #expect(throws: TokenizerError.fileNotFound(path: missing.path)) {
            try BPETokenizer(directory: directory)
        }
        let description = TokenizerError.fileNotFound(path: missing.path).errorDescription ?? ""
        #expect(description.contains(missing.path))
    }

    @Test func directoryInsteadOfFileIsReported() throws {
        let directory = try TokenizerFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: TokenizerError.unreadableFile(path: directory.path, reason: "it is a directory")) {
            try BPETokenizer(vocabularyURL: directory, mergesURL: directory)
        }
    }

    @Test func malformedJSONNamesTheFile() throws {
        let error = loadError(vocabulary: Data("{\"a\": 1,".utf8), merges: "")
        guard case .malformedVocabulary(let path, _) = error else {
            Issue.record("expected malformedVocabulary, got \(String(describing: error))")
            return
        }
        #expect(path == "model/vocab.json")
        #expect(error?.errorDescription?.contains("model/vocab.json") == true)
    }

    @Test func nonIntegerIDNamesTheToken() throws {
        let error = loadError(vocabulary: Data("{\"hello\": \"one\"}".utf8), merges: "")
        guard case .malformedVocabulary(_, let reason) = error else {
            Issue.record("expected malformedVocabulary, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("hello"))
        #expect(loadError(vocabulary: Data("[1, 2]".utf8), merges: "") != nil)
    }

    @Test func mergeWithUnknownTokenNamesFileLineAndToken() throws {
        let vocabulary = try TokenizerFixtures.vocabularyData()
        let error = loadError(vocabulary: vocabulary, merges: "#version: 0.2\nt h\nĠ th\nq zzz\n")
        #expect(error == .mergeReferencesUnknownToken(path: "model/merges.txt", line: 4, token: "zzz"))
        let description = error?.errorDescription ?? ""
        #expect(description.contains("model/merges.txt:4") && description.contains("zzz"))
        // Both halves known, but the merged token is not in the vocabulary.
        #expect(
            loadError(vocabulary: vocabulary, merges: "Q Z\n")
                == .mergeReferencesUnknownToken(path: "model/merges.txt", line: 1, token: "QZ"))
    }

    @Test func malformedMergeLineIsReportedWithItsNumber() throws {
        let vocabulary = try TokenizerFixtures.vocabularyData()
        #expect(loadError(vocabulary: vocabulary, merges: "t h\nthree parts here\n")
            == .malformedMerge(path: "model/merges.txt", line: 2, text: "three parts here"))
        #expect(loadError(vocabulary: vocabulary, merges: "t h\n\nt he\n")
            == .malformedMerge(path: "model/merges.txt", line: 2, text: ""))
        // "#version" is only a header on the first line; CRLF line ends are accepted.
        #expect(loadError(vocabulary: vocabulary, merges: "#version: 0.2\r\nt h\r\n") == nil)
        #expect(loadError(vocabulary: vocabulary, merges: "t h\n#version: 0.2\n")
            == .mergeReferencesUnknownToken(path: "model/merges.txt", line: 2, token: "#version:"))
    }

    @Test func tokenIDOutOfRangeNamesTheID() throws {
        let tokenizer = try TokenizerFixtures.tokenizer()
        #expect(throws: TokenizerError.tokenIDOutOfRange(id: 2001, vocabularySize: 2001)) {
            try tokenizer.decode([5, 2001])
        }
        #expect(throws: TokenizerError.tokenIDOutOfRange(id: -3, vocabularySize: 2001)) {
            try tokenizer.decode([-3])
        }
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        #expect(throws: TokenizerError.tokenIDOutOfRange(id: 99_999, vocabularySize: 2001)) {
            try detokenizer.feed(99_999)
        }
        let description = TokenizerError.tokenIDOutOfRange(id: 99_999, vocabularySize: 2001).errorDescription ?? ""
        #expect(description.contains("99999") && description.contains("2001"))
    }

    @Test func holeInTheIDNumberingIsOutOfRange() throws {
        var vocabulary = try fixtureVocabulary()
        vocabulary["Ġhole"] = 2500
        let tokenizer = try BPETokenizer(vocabularyJSON: try json(vocabulary), merges: try TokenizerFixtures.mergesData())
        #expect(tokenizer.vocabularySize == 2501)
        #expect(try tokenizer.decode([2500]) == " hole")
        #expect(throws: TokenizerError.tokenIDOutOfRange(id: 2300, vocabularySize: 2501)) {
            try tokenizer.decode([2300])
        }
    }

    @Test func vocabularyProblemsNameTheTokenAndID() throws {
        var vocabulary = try fixtureVocabulary()
        vocabulary["Ġnegative"] = -1
        #expect(loadError(vocabulary: try json(vocabulary), merges: "")
            == .vocabularyIDOutOfRange(path: "model/vocab.json", token: "Ġnegative", id: -1, limit: 1 << 20))

        vocabulary = try fixtureVocabulary()
        vocabulary["Ġhuge"] = 3_000_000_000
        #expect(loadError(vocabulary: try json(vocabulary), merges: "")
            == .vocabularyIDOutOfRange(path: "model/vocab.json", token: "Ġhuge", id: 3_000_000_000, limit: 1 << 20))

        vocabulary = try fixtureVocabulary()
        let theID = try #require(vocabulary["the"])
        vocabulary["Ġduplicate"] = theID
        #expect(loadError(vocabulary: try json(vocabulary), merges: "")
            == .duplicateVocabularyID(path: "model/vocab.json", id: theID, firstToken: "the", secondToken: "Ġduplicate"))

        vocabulary = try fixtureVocabulary()
        vocabulary["Ġ"] = nil
        let error = loadError(vocabulary: try json(vocabulary), merges: "")
        #expect(error == .missingByteToken(path: "model/vocab.json", byte: 0x20, token: "Ġ"))
        #expect(error?.errorDescription?.contains("0x20") == true)
    }

    @Test func emptySpecialTokenIsRejected() throws {
        #expect(loadError(vocabulary: try TokenizerFixtures.vocabularyData(), merges: "", specialTokens: [""]) == .emptySpecialToken)
    }

    @Test func everyErrorHasAnActionableDescription() {
        let errors: [TokenizerError] = [
            .fileNotFound(path: "/m/vocab.json"),
            .unreadableFile(path: "/m/vocab.json", reason: "permission denied"),
            .malformedVocabulary(path: "/m/vocab.json", reason: "unexpected end"),
            .vocabularyIDOutOfRange(path: "/m/vocab.json", token: "x", id: -1, limit: 10),
            .duplicateVocabularyID(path: "/m/vocab.json", id: 3, firstToken: "a", secondToken: "b"),
            .missingByteToken(path: "/m/vocab.json", byte: 10, token: "Ċ"),
            .malformedMerge(path: "/m/merges.txt", line: 7, text: "a b c"),
            .mergeReferencesUnknownToken(path: "/m/merges.txt", line: 7, token: "zz"),
            .tokenIDOutOfRange(id: 77, vocabularySize: 5),
        ]
        for error in errors {
            let description = error.errorDescription ?? ""
            #expect(description.contains("/m/") || description.contains("77"), "\(description)")
        }
        #expect(TokenizerError.malformedMerge(path: "/m/merges.txt", line: 7, text: "a b c").errorDescription?.contains("merges.txt:7") == true)
    }
}
