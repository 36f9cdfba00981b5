import Foundation
import Testing
@testable import Pipeline

struct PipelineJSONTests {
    private func message(_ text: String, limits: PipelineJSON.Limits = .init()) -> String? {
        do {
            _ = try PipelineJSON.parse(text, limits: limits, file: "p.json")
            return nil
        } catch {
            return error.errorDescription
        }
    }

    @Test func parsesValuesWithPositions() throws {
        let root = try PipelineJSON.parse("{\n  \"a\": [1, -2.5e1, true, null],\n  \"b\": \"x\\u00e9\\ud83d\\ude00\"\n}")
        #expect(root.location == SourceLocation(line: 1, column: 1))
        let a = try #require(root.member("a"))
        #expect(a.keyLocation == SourceLocation(line: 2, column: 3))
        #expect(a.value.location == SourceLocation(line: 2, column: 8))
        #expect(a.value.value == [1, -25.0, true, nil])
        #expect(root.member("b")?.value.string == "xé😀")
        #expect(root.member("b")?.value.location == SourceLocation(line: 3, column: 8))
    }

    @Test func columnsCountCharactersNotBytes() {
        #expect(message("{\"é€\": 1 2}") == "p.json: line 1, column 10: expected ',' or '}' after the value of \"é€\", found '2'")
    }

    @Test(arguments: [
        ("", "p.json: line 1, column 1: the file is empty; a pipeline is a JSON object"),
        ("{\"a\": 1,}", "p.json: line 1, column 9: expected a quoted key, found '}' (trailing commas are not allowed)"),
        ("[1, 2,]", "p.json: line 1, column 7: expected a value, found ']' (trailing commas are not allowed)"),
        ("{\"a\" 1}", "p.json: line 1, column 6: expected ':' after key \"a\", found '1'"),
        ("{\n  \"a\": tru\n}", "p.json: line 2, column 8: invalid literal, expected true (JSON literals are lowercase; strings need quotes)"),
        ("{\"a\": 01}", "p.json: line 1, column 7: numbers must not have leading zeros"),
        ("{\"a\": \"x\ny\"}", "p.json: line 1, column 9: unterminated string (a line break inside a string must be written \\n)"),
        ("{\"a\": \"\\q\"}", "p.json: line 1, column 8: invalid escape sequence \\q"),
        ("{\"a\": \"\\ud800\"}", "p.json: line 1, column 8: unpaired UTF-16 surrogate \\ud800"),
        ("{} {}", "p.json: line 1, column 4: unexpected '{' after the end of the JSON value"),
        ("{\"a\": 1e999}", "p.json: line 1, column 7: number 1e999 is out of range"),
        ("{\"a\": 'x'}", "p.json: line 1, column 7: unexpected ''', expected a value"),
        ("{\"a\": [1, 2", "p.json: line 1, column 12: expected ',' or ']' in array, found end of file"),
    ])
    func syntaxErrorsNameLineAndColumn(text: String, expected: String) {
        #expect(message(text) == expected)
    }

    @Test func rejectsDuplicateKeysWithBothPositions() {
        let text = """
            {
              "stages": [
                {"name": "a", "type": "x", "name": "b"}
              ]
            }
            """
        #expect(message(text) == "p.json: line 3, column 32: duplicate key \"name\" in stages[0] (first defined at line 3, column 6); remove one of them")
    }

    @Test func capsNestingDepth() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(message(deep) == "p.json: line 1, column 65: JSON nested deeper than 64 levels; flatten the structure (PipelineJSON.Limits.maxDepth raises the limit)")
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(message(fine) == nil)
    }

    @Test func capsSize() {
        #expect(message("[1, 2, 3]", limits: .init(maxBytes: 8))
            == "p.json: pipeline file is 9 bytes, over the 8-byte limit; keep large data in separate files referenced by path (PipelineJSON.Limits.maxBytes raises the limit)")
    }

    @Test func capsFileSizeBeforeReading() throws {
        let folder = try temporaryDirectory()
        let url = folder.appendingPathComponent("big.json")
        try Data(repeating: UInt8(ascii: " "), count: 100).write(to: url)
        #expect(throws: PipelineJSONError.tooLarge(bytes: 100, limit: 50, file: url.path)) {
            try PipelineJSON.parse(contentsOf: url, limits: .init(maxBytes: 50))
        }
        #expect(throws: PipelineJSONError.unreadable(file: folder.appendingPathComponent("missing.json").path, reason: "no such file")) {
            try PipelineJSON.parse(contentsOf: folder.appendingPathComponent("missing.json"))
        }
    }

    @Test func rejectsInvalidUTF8WithPosition() {
        let bytes = Array("{\n \"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        #expect(throws: PipelineJSONError.invalidUTF8(at: SourceLocation(line: 2, column: 8), file: nil)) {
            try PipelineJSON.parse(bytes: bytes)
        }
    }

    @Test func writerRoundTripsThroughParser() throws {
        let value: JSONValue = ["name": "a \"q\"\n\u{01}", "n": [1, 2.5, -3, true, nil], "o": .object(["k": "v"])]
        let text = JSONWriter.compact(value)
        #expect(text == #"{"name":"a \"q\"\n\u0001","n":[1,2.5,-3,true,null],"o":{"k":"v"}}"#)
        #expect(try PipelineJSON.parse(text).value == value)
        #expect(try PipelineJSON.parse(JSONWriter.pretty(value)).value == value)
    }

    @Test func pathsPrintLikeUsersWriteThem() {
        #expect(JSONPath(["stages", 3, "inputs", "images"]).description == "stages[3].inputs.images")
        #expect(JSONPath(["options", "a b"]).description == "options[\"a b\"]")
        #expect(JSONPath.root.description == "(root)")
    }
}
