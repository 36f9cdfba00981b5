/// Finds special tokens (such as `<|endoftext|>`) in UTF-8 text before pre-tokenisation, so that
/// they become their own ids instead of being split into pieces.
///
/// At each position the longest special token that starts there wins, and the scan resumes after
/// it (leftmost-longest, as HuggingFace tokenizers matches added tokens). Tokens are compared as
/// UTF-8 bytes; a valid token starts with a lead byte, so a match always starts on a scalar boundary.
struct SpecialTokenMatcher: Sendable {
    enum Segment: Equatable {
        case text(Range<Int>)
        case special(Int32)
    }

    /// For each first byte, the tokens starting with it, longest first.
    private let candidates: [[(bytes: [UInt8], id: Int32)]]

    init(tokens: [BPETokenizer.SpecialToken]) {
        var candidates = [[(bytes: [UInt8], id: Int32)]](repeating: [], count: 256)
        for token in tokens {
            let bytes = Array(token.text.utf8)
            guard let first = bytes.first else { continue }
            candidates[Int(first)].append((bytes, token.id))
        }
        self.candidates = candidates.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
    }

    /// Calls `body` with the text ranges and special-token ids of `bytes`, in order. Empty text
    /// ranges are not reported.
    func forEachSegment(in bytes: [UInt8], _ body: (Segment) -> Void) {
        var textStart = 0
        var position = 0
        while position < bytes.count {
            let options = candidates[Int(bytes[position])]
            guard !options.isEmpty, let match = options.first(where: { matches($0.bytes, in: bytes, at: position) }) else {
                position += 1
                continue
            }
            if textStart < position { body(.text(textStart..<position)) }
            body(.special(match.id))
            position += match.bytes.count
            textStart = position
        }
        if textStart < bytes.count { body(.text(textStart..<bytes.count)) }
    }

    private func matches(_ token: [UInt8], in bytes: [UInt8], at position: Int) -> Bool {
        guard bytes.count - position >= token.count else { return false }
        for offset in 0..<token.count where bytes[position + offset] != token[offset] { return false }
        return true
    }
}
