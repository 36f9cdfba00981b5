import CFuzzerDriver
import Foundation
import CFuzzerDriver
import IOStages

// Fuzzes the byte-level BPE tokenizer two ways:
//  - input with two NUL separators is `vocab.json \0 merges.txt \0 text`: the loader must reject
//    bad tables with a thrown error, and a tokenizer that loads must encode and decode `text`;
//  - any other input is text for the fixture tokenizer (GPT-2 layout). Encoding then decoding
//    valid UTF-8 must give the text back (byte-level BPE is lossless), and the input read as
//    token ids must decode or throw.

private let fixtureTokenizer: BPETokenizer? = {
    let fuzzPackage = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let directory = fuzzPackage.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/tokenizer")
    return try? BPETokenizer(directory: directory)
}()

@_cdecl("FuzzBPETokenizer_main")
public func fuzzBPETokenizerEntry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzBPETokenizer(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPETokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    if parts.count == 3 {
        fuzzTables(vocabulary: Data(parts[0]), merges: Data(parts[1]), text: Array(parts[2]))
    } else if let tokenizer = fixtureTokenizer {
        fuzzText(bytes, tokenizer: tokenizer)
    } else {
        fatalError("the fixture tokenizer in Tests/Fixtures/tokenizer did not load")
    }
    return 0
}

private func fuzzTables(vocabulary: Data, merges: Data, text: [UInt8]) {
    guard let tokenizer = try? BPETokenizer(vocabularyJSON: vocabulary, merges: merges) else { return }
    let ids = tokenizer.encode(String(decoding: text, as: UTF8.self))
    _ = try? tokenizer.decode(ids)
}

private func fuzzText(_ bytes: [UInt8], tokenizer: BPETokenizer) {
    if let text = String(validating: bytes, as: UTF8.self) {
        let ids = tokenizer.encode(text)
        let back: String
        do { back = try tokenizer.decode(ids) } catch {
            fatalError("decoding the tokenizer's own ids failed: \(error)")
        }
        // Compare bytes, not Strings: String equality is canonical equivalence and would hide
        // a tokenizer that normalises.
        if Array(back.utf8) != bytes {
            fatalError("round trip changed the text: \(bytes) -> \(ids) -> \(Array(back.utf8))")
        }
    }
    // Arbitrary ids (little-endian Int32s, some out of range or negative) must decode or throw.
    var ids: [Int32] = []
    var index = 0
    while index + 4 <= bytes.count {
        ids.append(Int32(bitPattern: UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8
            | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24))
        index += 4
    }
    _ = try? tokenizer.decode(ids)
    _ = try? tokenizer.decode(ids, skipSpecialTokens: true)
}
