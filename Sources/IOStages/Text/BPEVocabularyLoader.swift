import Foundation
import Logging

/// Reads and checks GPT-2's `vocab.json` and `merges.txt`, and turns them into the id-based
/// tables that `BPETokenizer` encodes and decodes with.
struct BPEVocabularyLoader {
    /// What a loaded vocabulary consists of.
    struct Tables {
        /// The bytes each id decodes to; nil for ids missing from the numbering.
        var tokenBytes: [[UInt8]?]
        var isSpecial: [Bool]
        var idForToken: [String: Int32]
        /// The id of the single-byte token of each byte.
        var byteIDs: [Int32]
        var merges: BPEMergeTable
        var specialTokens: [BPETokenizer.SpecialToken]
        var eosTokenID: Int32
    }

    let vocabularyName: String
    let mergesName: String

    static func readFile(_ url: URL) throws(TokenizerError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: url.path)
        }
        if isDirectory.boolValue { throw .unreadableFile(path: url.path, reason: "it is a directory") }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Loads the vocabulary and merges; `eosToken` becomes special whether or not it is listed.
    func load(vocabularyJSON: Data, merges: Data, specialTokens: [String], eosToken: String) throws(TokenizerError) -> Tables {
        let vocabulary = try decodeVocabulary(vocabularyJSON)
        var tables = try numberTokens(vocabulary)
        tables.byteIDs = try byteIDs(vocabulary)
        tables.merges = try parseMerges(merges, vocabulary: vocabulary)
        for token in specialTokens { _ = try addSpecialToken(token, to: &tables) }
        tables.eosTokenID = try addSpecialToken(eosToken, to: &tables)
        return tables
    }

    private func decodeVocabulary(_ data: Data) throws(TokenizerError) -> [String: Int] {
        do {
            return try JSONDecoder().decode([String: Int].self, from: data)
        } catch let error as DecodingError {
            throw .malformedVocabulary(path: vocabularyName, reason: Self.describe(error))
        } catch {
            throw .malformedVocabulary(path: vocabularyName, reason: error.localizedDescription)
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default:
            return String(describing: error)
        }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        var reason = path.isEmpty ? context.debugDescription : "at \"\(path)\": \(context.debugDescription)"
        if let underlying = context.underlyingError { reason += " (\(underlying.localizedDescription))" }
        return reason
    }

    /// Ids may have a few holes, but a huge id in a small vocabulary is a corrupt file, not a
    /// reason to allocate gigabytes for the id table.
    private func numberTokens(_ vocabulary: [String: Int]) throws(TokenizerError) -> Tables {
        let idLimit = max(4 * vocabulary.count, 1 << 20)
        var tokenForID: [Int: String] = [:]
        var largestID = -1
        for (token, id) in vocabulary {
            guard id >= 0, id < idLimit, id <= Int(Int32.max) else {
                throw .vocabularyIDOutOfRange(path: vocabularyName, token: token, id: id, limit: idLimit)
            }
            if let other = tokenForID[id] {
                let names = [other, token].sorted()
                throw .duplicateVocabularyID(path: vocabularyName, id: id, firstToken: names[0], secondToken: names[1])
            }
            tokenForID[id] = token
            largestID = max(largestID, id)
        }
        var tokenBytes = [[UInt8]?](repeating: nil, count: largestID + 1)
        var idForToken: [String: Int32] = [:]
        idForToken.reserveCapacity(vocabulary.count)
        for (id, token) in tokenForID {
            // A token outside the byte alphabet can only be an added token, taken literally.
            tokenBytes[id] = ByteLevelAlphabet.bytes(ofToken: token) ?? Array(token.utf8)
            idForToken[token] = Int32(id)
        }
        // load() fills in the byte ids, merges and special tokens.
        return Tables(
            tokenBytes: tokenBytes, isSpecial: [Bool](repeating: false, count: tokenBytes.count),
            idForToken: idForToken, byteIDs: [], merges: BPEMergeTable(), specialTokens: [], eosTokenID: 0)
    }

    private func byteIDs(_ vocabulary: [String: Int]) throws(TokenizerError) -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(256)
        for byte in 0...UInt8.max {
            let token = ByteLevelAlphabet.token(forByte: byte)
            guard let id = vocabulary[token] else {
                throw .missingByteToken(path: vocabularyName, byte: byte, token: token)
            }
            ids.append(Int32(id))  // range-checked in numberTokens
        }
        return ids
    }

    private func parseMerges(_ data: Data, vocabulary: [String: Int]) throws(TokenizerError) -> BPEMergeTable {
        var table = BPEMergeTable()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var rank: Int32 = 0
        for (index, rawLine) in lines.enumerated() {
            let lineNumber = index + 1
            var line = String(decoding: rawLine, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if lineNumber == 1, line.hasPrefix("#version") { continue }
            if line.isEmpty, index == lines.count - 1 { continue }  // the newline that ends the file
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .malformedMerge(path: mergesName, line: lineNumber, text: line)
            }
            let left = String(parts[0])
            let right = String(parts[1])
            var ids: [Int32] = []
            for token in [left, right, left + right] {
                guard let id = vocabulary[token] else {
                    throw .mergeReferencesUnknownToken(path: mergesName, line: lineNumber, token: token)
                }
                ids.append(Int32(id))
            }
            table.add(left: ids[0], right: ids[1], result: ids[2], rank: rank)
            rank += 1
        }
        return table
    }

    /// Registers a special token and returns its id. A token missing from vocab.json is appended
    /// with the next free id, as HuggingFace's `add_special_tokens` does; special tokens decode to
    /// their literal text. Registering a token twice returns the id it already has.
    private func addSpecialToken(_ token: String, to tables: inout Tables) throws(TokenizerError) -> Int32 {
        guard !token.isEmpty else { throw .emptySpecialToken }
        let id: Int32
        if let existing = tables.idForToken[token] {
            if tables.isSpecial[Int(existing)] { return existing }
            id = existing
        } else {
            id = Int32(tables.tokenBytes.count)
            tables.tokenBytes.append(nil)
            tables.isSpecial.append(false)
            tables.idForToken[token] = id
            Logger(label: "sluice.tokenizer").debug(
                "special token is not in the vocabulary; appended with the next free id",
                metadata: ["token": "\(token)", "id": "\(id)", "vocabulary": "\(vocabularyName)"])
        }
        tables.tokenBytes[Int(id)] = Array(token.utf8)
        tables.isSpecial[Int(id)] = true
        tables.specialTokens.append(BPETokenizer.SpecialToken(text: token, id: id))
        return id
    }
}
