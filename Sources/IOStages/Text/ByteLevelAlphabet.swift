/// GPT-2's reversible mapping between bytes and printable Unicode scalars.
///
/// Byte-level BPE vocabularies store tokens as strings in which every byte is replaced by one
/// visible character, so that `vocab.json` and `merges.txt` never contain spaces or control
/// characters: printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves and the
/// other 68 bytes, in increasing order, take U+0100, U+0101, … (so a space is "Ġ", U+0120).
enum ByteLevelAlphabet {
    /// The scalar that stands for each byte, indexed by byte value.
    static let scalarForByte: [Unicode.Scalar] = {
        var scalars = [Unicode.Scalar](repeating: "\0", count: 256)
        var nextExtra: UInt32 = 256
        for byte in 0..<256 {
            let value = UInt32(byte)
            let printable = (0x21...0x7E).contains(value) || (0xA1...0xAC).contains(value)
                || (0xAE...0xFF).contains(value)
            // Both ranges are valid scalars (below the surrogates), so the fallback never happens.
            scalars[byte] = Unicode.Scalar(printable ? value : nextExtra) ?? "\0"
            if !printable { nextExtra += 1 }
        }
        return scalars
    }()

    /// The inverse of `scalarForByte`.
    static let byteForScalar: [Unicode.Scalar: UInt8] = {
        var bytes: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() { bytes[scalar] = UInt8(byte) }
        return bytes
    }()

    /// The vocabulary string of a single byte.
    static func token(forByte byte: UInt8) -> String {
        String(Character(scalarForByte[Int(byte)]))
    }

    /// The bytes a vocabulary string stands for, or nil when it contains a scalar outside the
    /// alphabet (such a token is not byte-level: it can only be an added token taken literally).
    static func bytes(ofToken token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard let byte = byteForScalar[scalar] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
