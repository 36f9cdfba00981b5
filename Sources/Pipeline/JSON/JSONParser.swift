/// Recursive-descent parser over UTF-8 bytes. Recursion depth is bounded by `maxDepth`, so the
/// stack use is bounded too.
struct JSONParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private let file: String?
    private var offset = 0
    private var line = 1
    private var column = 1

    init(bytes: [UInt8], maxDepth: Int, file: String?) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.file = file
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column) }
    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    mutating func parseDocument() throws(PipelineJSONError) -> JSONNode {
        try validateUTF8()
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        skipWhitespace()
        guard current != nil else { throw syntax("the file is empty; a pipeline is a JSON object") }
        let root = try parseValue(depth: 1, path: .root)
        skipWhitespace()
        if current != nil { throw syntax("unexpected \(describeCurrent()) after the end of the JSON value") }
        return root
    }

    // MARK: values

    private mutating func parseValue(depth: Int, path: JSONPath) throws(PipelineJSONError) -> JSONNode {
        let start = location
        guard let byte = current else { throw syntax("unexpected end of file, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth, path: path)
        case UInt8(ascii: "["): return try parseArray(depth: depth, path: path)
        case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return JSONNode(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return JSONNode(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return JSONNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw syntax("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func parseObject(depth: Int, path: JSONPath) throws(PipelineJSONError) -> JSONNode {
        let start = location
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth, at: start, file: file) }
        advance()  // {
        var members: [JSONMember] = []
        var seen: [String: SourceLocation] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            return JSONNode(.object(members), at: start)
        }
        while true {
            skipWhitespace()
            let keyLocation = location
            guard current == UInt8(ascii: "\"") else {
                throw syntax("expected a quoted key, found \(describeCurrent())"
                    + (current == UInt8(ascii: "}") ? " (trailing commas are not allowed)" : ""))
            }
            let key = try parseString()
            if let first = seen[key] {
                throw .duplicateKey(key, path: path, first: first, second: keyLocation, file: file)
            }
            seen[key] = keyLocation
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw syntax("expected ':' after key \"\(key)\", found \(describeCurrent())") }
            advance()
            skipWhitespace()
            let value = try parseValue(depth: depth + 1, path: path.appending(key))
            members.append(JSONMember(key: key, keyLocation: keyLocation, value: value))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "}"): advance(); return JSONNode(.object(members), at: start)
            default: throw syntax("expected ',' or '}' after the value of \"\(key)\", found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray(depth: Int, path: JSONPath) throws(PipelineJSONError) -> JSONNode {
        let start = location
        guard depth <= maxDepth else { throw .tooDeep(limit: maxDepth, at: start, file: file) }
        advance()  // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            return JSONNode(.array(elements), at: start)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") { throw syntax("expected a value, found ']' (trailing commas are not allowed)") }
            elements.append(try parseValue(depth: depth + 1, path: path.appending(index: elements.count)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): advance()
            case UInt8(ascii: "]"): advance(); return JSONNode(.array(elements), at: start)
            default: throw syntax("expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseNumber() throws(PipelineJSONError) -> JSONNode {
        let start = location
        let first = offset
        if current == UInt8(ascii: "-") { advance() }
        guard let lead = current, isDigit(lead) else { throw syntax("expected a digit after '-'") }
        advance()
        if lead == UInt8(ascii: "0"), let next = current, isDigit(next) {
            throw SyntaxAt(start).error("numbers must not have leading zeros", file: file)
        }
        while let byte = current, isDigit(byte) { advance() }
        if current == UInt8(ascii: ".") {
            advance()
            guard let byte = current, isDigit(byte) else { throw syntax("expected a digit after the decimal point") }
            while let byte = current, isDigit(byte) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let byte = current, isDigit(byte) else { throw syntax("expected a digit in the exponent") }
            while let byte = current, isDigit(byte) { advance() }
        }
        let text = String(decoding: bytes[first..<offset], as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw SyntaxAt(start).error("number \(text) is out of range", file: file)
        }
        return JSONNode(.number(number, text: text), at: start)
    }

    private mutating func parseString() throws(PipelineJSONError) -> String {
        let start = location
        advance()  // opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        func flushRun(_ parser: JSONParser, upTo end: Int, into scalars: inout String.UnicodeScalarView) {
            if end > runStart { scalars.append(contentsOf: String(decoding: parser.bytes[runStart..<end], as: UTF8.self).unicodeScalars) }
        }
        while true {
            guard let byte = current else { throw SyntaxAt(start).error("unterminated string", file: file) }
            switch byte {
            case UInt8(ascii: "\""):
                flushRun(self, upTo: offset, into: &scalars)
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flushRun(self, upTo: offset, into: &scalars)
                scalars.append(try parseEscape())
                runStart = offset
            case 0..<0x20:
                throw syntax(byte == UInt8(ascii: "\n")
                    ? "unterminated string (a line break inside a string must be written \\n)"
                    : "control character U+\(String(byte, radix: 16, uppercase: true)) in a string must be escaped")
            default:
                advance()
            }
        }
    }

    private mutating func parseEscape() throws(PipelineJSONError) -> Unicode.Scalar {
        let escapeLocation = location
        advance()  // backslash
        guard let byte = current else { throw syntax("unterminated escape sequence") }
        advance()
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard current == UInt8(ascii: "\\"), offset + 1 < bytes.count, bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw SyntaxAt(escapeLocation).error("unpaired UTF-16 surrogate \\u\(String(high, radix: 16))", file: file)
                }
                advance(); advance()
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low),
                      let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) else {
                    throw SyntaxAt(escapeLocation).error("invalid UTF-16 surrogate pair", file: file)
                }
                return scalar
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw SyntaxAt(escapeLocation).error("unpaired UTF-16 surrogate \\u\(String(high, radix: 16))", file: file)
            }
            return scalar
        default:
            throw SyntaxAt(escapeLocation).error("invalid escape sequence \\\(Character(Unicode.Scalar(byte)))", file: file)
        }
    }

    private mutating func parseHex4() throws(PipelineJSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexValue(byte) else { throw syntax("expected 4 hex digits after \\u") }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    // MARK: lexing helpers

    private mutating func expectLiteral(_ word: String) throws(PipelineJSONError) {
        let start = location
        for expected in word.utf8 {
            guard current == expected else {
                throw SyntaxAt(start).error("invalid literal, expected \(word) (JSON literals are lowercase; strings need quotes)", file: file)
            }
            advance()
        }
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    /// Moves one byte; UTF-8 continuation bytes do not start a new column.
    private mutating func advance() {
        guard offset < bytes.count else { return }
        let byte = bytes[offset]
        offset += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func describeCurrent() -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func syntax(_ message: String) -> PipelineJSONError { .syntax(message, at: location, file: file) }

    /// Finds the first invalid UTF-8 sequence up front so string decoding never substitutes U+FFFD.
    private func validateUTF8() throws(PipelineJSONError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1, column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput: return
            case .error: throw .invalidUTF8(at: SourceLocation(line: line, column: column), file: file)
            }
        }
    }
}

/// Builds an error at a remembered start position (for tokens reported where they begin).
private struct SyntaxAt {
    let location: SourceLocation
    init(_ location: SourceLocation) { self.location = location }
    func error(_ message: String, file: String?) -> PipelineJSONError { .syntax(message, at: location, file: file) }
}
