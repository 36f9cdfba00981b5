/// Turns token ids into text one id at a time, as a generation loop produces them.
///
/// A byte-level token can end in the middle of a UTF-8 sequence (an emoji is often two or three
/// tokens), so the detokeniser holds back a trailing incomplete sequence until the tokens that
/// complete it arrive, and emits only whole characters. The concatenation of everything emitted,
/// `flush()` included, equals `BPETokenizer.decode` of all the ids.
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: BPETokenizer
    private let skipSpecialTokens: Bool
    /// Bytes of an incomplete UTF-8 sequence at the end of the text so far (at most 3).
    private var pending: [UInt8] = []

    public init(tokenizer: BPETokenizer, skipSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skipSpecialTokens = skipSpecialTokens
    }

    /// The number of bytes held back, waiting for the rest of their character.
    public var pendingByteCount: Int { pending.count }

    /// Adds one token and returns the text it completes: possibly empty while a character is
    /// still incomplete, possibly several characters.
    public mutating func feed(_ id: Int32) throws(TokenizerError) -> String {
        try tokenizer.appendBytes(of: id, to: &pending, skipSpecialTokens: skipSpecialTokens)
        let complete = UTF8Completeness.completePrefixLength(of: pending)
        guard complete > 0 else { return "" }
        let text = String(decoding: pending[..<complete], as: UTF8.self)
        pending.removeFirst(complete)
        return text
    }

    /// Ends the stream: returns what was held back, with U+FFFD for a sequence that never
    /// completed, and starts afresh.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }
}

/// Where UTF-8 text can be cut without changing how it decodes.
enum UTF8Completeness {
    /// The length of the longest prefix of `bytes` whose decoding cannot change whatever bytes
    /// follow: everything except a trailing sequence that is valid so far but incomplete.
    ///
    /// Invalid bytes are not held back: decoders replace each maximal invalid subpart with U+FFFD
    /// no matter what follows, so cutting after them gives the same text as decoding in one go.
    static func completePrefixLength(of bytes: [UInt8]) -> Int {
        let count = bytes.count
        // The last lead byte, at most three continuation bytes from the end.
        var start = count - 1
        while start >= 0, start >= count - 4, isContinuation(bytes[start]) { start -= 1 }
        guard start >= 0, start >= count - 4, !isContinuation(bytes[start]) else { return count }
        let needed = sequenceLength(lead: bytes[start])
        let have = count - start
        guard have < needed else { return count }
        if have >= 2, !secondByteRange(lead: bytes[start]).contains(bytes[start + 1]) { return count }
        return start
    }

    private static func isContinuation(_ byte: UInt8) -> Bool {
        byte & 0xC0 == 0x80
    }

    /// The length of a sequence starting with `lead`; 1 for ASCII and for bytes that cannot start one.
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 1
        }
    }

    /// The second bytes that keep a sequence valid: no overlong forms, surrogates or values
    /// past U+10FFFF (Unicode's table 3-7).
    private static func secondByteRange(lead: UInt8) -> ClosedRange<UInt8> {
        switch lead {
        case 0xE0: return 0xA0...0xBF
        case 0xED: return 0x80...0x9F
        case 0xF0: return 0x90...0xBF
        case 0xF4: return 0x80...0x8F
        default: return 0x80...0xBF
        }
    }
}
