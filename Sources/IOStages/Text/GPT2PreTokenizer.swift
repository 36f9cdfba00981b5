/// GPT-2's pre-tokeniser: splits text into the pieces that BPE then encodes one at a time.
///
/// It reproduces, by hand and on UTF-8 bytes, the match sequence of GPT-2's pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// where `\s` is Unicode White_Space, `\p{L}` any letter category and `\p{N}` any number category.
/// The regex works on Unicode scalars (not grapheme clusters): a combining accent is neither a
/// letter nor a number, so "e\u{301}" splits into "e" and "\u{301}", as GPT-2 does.
/// The input must be valid UTF-8 (it always comes from a Swift `String`).
enum GPT2PreTokenizer {
    enum ScalarClass: UInt8 {
        case letter, number, whitespace, other
    }

    /// Calls `body` with the byte range of each piece of `bytes[range]`, in text order. The pieces
    /// cover the range exactly.
    static func forEachPiece(in bytes: [UInt8], range: Range<Int>, _ body: (Range<Int>) -> Void) {
        let end = range.upperBound
        var position = range.lowerBound
        while position < end {
            // 's|'t|'re|'ve|'m|'ll|'d (case-sensitive, as in GPT-2)
            if bytes[position] == UInt8(ascii: "'"),
                let length = contractionLength(in: bytes, at: position, end: end) {
                body(position..<position + length)
                position += length
                continue
            }
            let (scalarClass, length) = classify(bytes, at: position)
            if scalarClass != .whitespace {
                // \p{L}+ | \p{N}+ | [^\s\p{L}\p{N}]+
                let runEnd = endOfRun(of: scalarClass, in: bytes, from: position + length, end: end)
                body(position..<runEnd)
                position = runEnd
                continue
            }
            // " ?X+": one plain space joins the run of letters, numbers or others after it.
            if bytes[position] == UInt8(ascii: " "), position + 1 < end {
                let (nextClass, nextLength) = classify(bytes, at: position + 1)
                if nextClass != .whitespace {
                    let runEnd = endOfRun(of: nextClass, in: bytes, from: position + 1 + nextLength, end: end)
                    body(position..<runEnd)
                    position = runEnd
                    continue
                }
            }
            // \s+(?!\S) | \s+ : a whitespace run that stops before the text that follows leaves its
            // last scalar behind, so that the scalar can become the " " prefix of the next word.
            var lastScalarStart = position
            var runEnd = position + length
            while runEnd < end {
                let (nextClass, nextLength) = classify(bytes, at: runEnd)
                if nextClass != .whitespace { break }
                lastScalarStart = runEnd
                runEnd += nextLength
            }
            let pieceEnd = (runEnd == end || lastScalarStart == position) ? runEnd : lastScalarStart
            body(position..<pieceEnd)
            position = pieceEnd
        }
    }

    /// The length in bytes of the contraction starting with the apostrophe at `position`, if any.
    private static func contractionLength(in bytes: [UInt8], at position: Int, end: Int) -> Int? {
        guard position + 1 < end else { return nil }
        switch bytes[position + 1] {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return 2
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            return position + 2 < end && bytes[position + 2] == UInt8(ascii: "e") ? 3 : nil
        case UInt8(ascii: "l"):
            return position + 2 < end && bytes[position + 2] == UInt8(ascii: "l") ? 3 : nil
        default:
            return nil
        }
    }

    /// The end of the run of scalars of one class that continues at `position`.
    private static func endOfRun(of runClass: ScalarClass, in bytes: [UInt8], from position: Int, end: Int) -> Int {
        var position = position
        while position < end {
            let (scalarClass, length) = classify(bytes, at: position)
            if scalarClass != runClass { break }
            position += length
        }
        return position
    }

    /// The class and UTF-8 length of the scalar starting at `position`.
    @inline(__always)
    static func classify(_ bytes: [UInt8], at position: Int) -> (ScalarClass, Int) {
        let lead = bytes[position]
        if lead < 0x80 { return (asciiClasses[Int(lead)], 1) }
        var value: UInt32
        let length: Int
        if lead >= 0xF0 {
            value = UInt32(lead & 0x07)
            length = 4
        } else if lead >= 0xE0 {
            value = UInt32(lead & 0x0F)
            length = 3
        } else {
            value = UInt32(lead & 0x1F)
            length = 2
        }
        for offset in 1..<length { value = value << 6 | UInt32(bytes[position + offset] & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return (.other, length) }
        return (classify(scalar), length)
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// ASCII is most of the text, so its classes are looked up rather than computed.
    private static let asciiClasses: [ScalarClass] = (0..<128).map { value in
        classify(Unicode.Scalar(UInt8(value)))
    }
}
