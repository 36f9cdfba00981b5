import Foundation

/// GPT-2's byte-level BPE tokenizer, loaded from `vocab.json` and `merges.txt`.
///
/// Encoding: special tokens are found first; the text between them is split by GPT-2's
/// pre-tokeniser, each piece's UTF-8 bytes become single-byte tokens, and the merges of
/// `merges.txt` join them, lowest rank first. The ids equal those of HuggingFace `tokenizers`
/// configured as GPT-2 (`ByteLevel(add_prefix_space=False)`).
///
/// The value is immutable apart from its word cache, which is shared by its copies and safe to use
/// from many threads at once, so one tokenizer can serve every stage of a pipeline.
public struct BPETokenizer: Sendable {
    /// A token matched literally in text before pre-tokenisation, with its id.
    public struct SpecialToken: Sendable, Equatable {
        public let text: String
        public let id: Int32
    }

    public static let endOfText = "<|endoftext|>"
    /// How many distinct pieces the word cache keeps before it starts again empty.
    static let cacheCapacity = 65_536

    private let tokenBytes: [[UInt8]?]
    private let isSpecial: [Bool]
    private let idForToken: [String: Int32]
    private let byteIDs: [Int32]
    private let merges: BPEMergeTable
    private let specialMatcher: SpecialTokenMatcher
    private let cache: BPEWordCache

    /// The id of the end-of-text token (`<|endoftext|>` for GPT-2).
    public let eosTokenID: Int32
    /// The special tokens and their ids, in the order they were given.
    public let specialTokens: [SpecialToken]
    /// One more than the largest id: every valid id is below it.
    public var vocabularySize: Int { tokenBytes.count }
    /// The number of merge rules.
    public var mergeCount: Int { merges.count }

    /// Loads `vocab.json` and `merges.txt` from files.
    ///
    /// - Parameters:
    ///   - specialTokens: tokens matched literally before pre-tokenisation. Those missing from
    ///     `vocab.json` are appended with the next free ids (as HuggingFace's `add_special_tokens`).
    ///   - eosToken: the end-of-text token; it is treated as special whether listed or not.
    public init(
        vocabularyURL: URL, mergesURL: URL,
        specialTokens: [String] = [BPETokenizer.endOfText], eosToken: String = BPETokenizer.endOfText
    ) throws(TokenizerError) {
        let vocabulary = try BPEVocabularyLoader.readFile(vocabularyURL)
        let merges = try BPEVocabularyLoader.readFile(mergesURL)
        try self.init(
            vocabularyJSON: vocabulary, merges: merges, specialTokens: specialTokens, eosToken: eosToken,
            vocabularyName: vocabularyURL.path, mergesName: mergesURL.path)
    }

    /// Loads `vocab.json` and `merges.txt` from one directory (the layout GPT-2 is published in).
    public init(
        directory: URL,
        specialTokens: [String] = [BPETokenizer.endOfText], eosToken: String = BPETokenizer.endOfText
    ) throws(TokenizerError) {
        try self.init(
            vocabularyURL: directory.appendingPathComponent("vocab.json"),
            mergesURL: directory.appendingPathComponent("merges.txt"),
            specialTokens: specialTokens, eosToken: eosToken)
    }

    /// Builds a tokenizer from the contents of the two files; the names appear in error messages.
    public init(
        vocabularyJSON: Data, merges: Data,
        specialTokens: [String] = [BPETokenizer.endOfText], eosToken: String = BPETokenizer.endOfText,
        vocabularyName: String = "vocab.json", mergesName: String = "merges.txt"
    ) throws(TokenizerError) {
        let loader = BPEVocabularyLoader(vocabularyName: vocabularyName, mergesName: mergesName)
        let tables = try loader.load(
            vocabularyJSON: vocabularyJSON, merges: merges, specialTokens: specialTokens, eosToken: eosToken)
        tokenBytes = tables.tokenBytes
        isSpecial = tables.isSpecial
        idForToken = tables.idForToken
        byteIDs = tables.byteIDs
        self.merges = tables.merges
        self.specialTokens = tables.specialTokens
        specialMatcher = SpecialTokenMatcher(tokens: tables.specialTokens)
        cache = BPEWordCache(capacity: Self.cacheCapacity)
        eosTokenID = tables.eosTokenID
    }

    /// The id of a vocabulary string (in the byte-level alphabet, e.g. "Ġthe") or special token.
    public func tokenID(for token: String) -> Int32? {
        idForToken[token]
    }

    /// Whether `id` is a special token (such as the end-of-text token).
    public func isSpecialToken(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < isSpecial.count && isSpecial[Int(id)]
    }

    /// Encodes text into token ids. Never fails: every byte has a token.
    public func encode(_ text: String) -> [Int32] {
        let bytes = Array(text.utf8)
        var ids: [Int32] = []
        ids.reserveCapacity(bytes.count / 3 + 1)
        specialMatcher.forEachSegment(in: bytes) { segment in
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                GPT2PreTokenizer.forEachPiece(in: bytes, range: range) { piece in
                    ids.append(contentsOf: encodePiece(bytes[piece]))
                }
            }
        }
        return ids
    }

    private func encodePiece(_ piece: ArraySlice<UInt8>) -> [Int32] {
        if piece.count == 1 { return [byteIDs[Int(piece[piece.startIndex])]] }
        if let cached = cache.ids(for: piece) { return cached }
        let ids = merges.apply(to: piece.map { byteIDs[Int($0)] })
        cache.store(ids, for: piece)
        return ids
    }

    /// Decodes ids into text. The bytes of all tokens are joined first and converted once, so a
    /// character split across tokens is restored; bytes that are still not valid UTF-8 become
    /// U+FFFD.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) throws(TokenizerError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids { try appendBytes(of: id, to: &bytes, skipSpecialTokens: skipSpecialTokens) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the bytes token `id` stands for (none for a skipped special token).
    func appendBytes(of id: Int32, to bytes: inout [UInt8], skipSpecialTokens: Bool) throws(TokenizerError) {
        guard id >= 0, Int(id) < tokenBytes.count, let tokenBytes = tokenBytes[Int(id)] else {
            throw .tokenIDOutOfRange(id: id, vocabularySize: self.tokenBytes.count)
        }
        if skipSpecialTokens && isSpecial[Int(id)] { return }
        bytes.append(contentsOf: tokenBytes)
    }

    /// The raw bytes of one token, which need not be valid UTF-8 on their own.
    public func bytes(of id: Int32) throws(TokenizerError) -> [UInt8] {
        var bytes: [UInt8] = []
        try appendBytes(of: id, to: &bytes, skipSpecialTokens: false)
        return bytes
    }
}
