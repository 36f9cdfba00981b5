import Foundation

/// Everything that can go wrong while loading a byte-level BPE tokenizer or decoding ids with it.
/// Each case names the file, line or id involved so that the user can find the problem.
public enum TokenizerError: Error, LocalizedError, Equatable, Sendable {
    /// A tokenizer file does not exist.
    case fileNotFound(path: String)
    /// A tokenizer file exists but could not be read (permissions, a directory, I/O error).
    case unreadableFile(path: String, reason: String)
    /// `vocab.json` is not a JSON object mapping token strings to integer ids.
    case malformedVocabulary(path: String, reason: String)
    /// `vocab.json` gives an id that is negative or far beyond the number of tokens.
    case vocabularyIDOutOfRange(path: String, token: String, id: Int, limit: Int)
    /// Two tokens in `vocab.json` share one id, so decoding that id would be ambiguous.
    case duplicateVocabularyID(path: String, id: Int, firstToken: String, secondToken: String)
    /// The vocabulary lacks the single-byte token of a byte, so some text could not be encoded.
    case missingByteToken(path: String, byte: UInt8, token: String)
    /// A line of `merges.txt` is not two tokens separated by one space.
    case malformedMerge(path: String, line: Int, text: String)
    /// A merge names a token (or produces a merged token) that `vocab.json` does not contain.
    case mergeReferencesUnknownToken(path: String, line: Int, token: String)
    /// A special token was given as the empty string.
    case emptySpecialToken
    /// A token id to decode is not an id of this vocabulary.
    case tokenIDOutOfRange(id: Int32, vocabularySize: Int)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "Tokenizer file not found: \(path). A GPT-2 style tokenizer needs vocab.json and merges.txt; check the path."
        case .unreadableFile(let path, let reason):
            return "Cannot read tokenizer file \(path): \(reason)."
        case .malformedVocabulary(let path, let reason):
            return "\(path) is not a JSON object mapping token strings to integer ids: \(reason)."
        case .vocabularyIDOutOfRange(let path, let token, let id, let limit):
            return "\(path): token \(Self.quoted(token)) has id \(id); ids must lie in 0..<\(limit) "
                + "(non-negative, and not far beyond the number of tokens)."
        case .duplicateVocabularyID(let path, let id, let first, let second):
            return "\(path): id \(id) is given to both \(Self.quoted(first)) and \(Self.quoted(second)); every id must name one token."
        case .missingByteToken(let path, let byte, let token):
            return "\(path) has no token \(Self.quoted(token)) for byte 0x\(String(byte, radix: 16, uppercase: true)); "
                + "a byte-level BPE vocabulary must contain all 256 single-byte tokens."
        case .malformedMerge(let path, let line, let text):
            return "\(path):\(line): expected two tokens separated by one space, found \(Self.quoted(text))."
        case .mergeReferencesUnknownToken(let path, let line, let token):
            return "\(path):\(line): the merge refers to token \(Self.quoted(token)), which is not in the vocabulary; "
                + "vocab.json and merges.txt must come from the same tokenizer."
        case .emptySpecialToken:
            return "A special token is the empty string; remove it from the list of special tokens."
        case .tokenIDOutOfRange(let id, let size):
            return "Token id \(id) is not in the vocabulary (valid ids are 0..<\(size)); the ids may come from a different tokenizer."
        }
    }

    /// Shows a token with its invisible characters escaped, so that "Ġ", spaces and newlines are visible.
    private static func quoted(_ token: String) -> String {
        "\"" + token.unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
    }
}
