/// Philox4x32-10 (Salmon et al. 2011), the counter-based generator `sample.comp` uses: the draw for
/// (seed, step, row) needs no state, so the GPU and this CPU copy give the same numbers.
public enum Philox {
    public static func block(counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= 0x9E37_79B9
                k.1 &+= 0xBB67_AE85
            }
            let (hi0, lo0) = UInt32(0xD251_1F53).multipliedFullWidth(by: c.0)
            let (hi1, lo1) = UInt32(0xCD9E_8D57).multipliedFullWidth(by: c.2)
            c = (hi1 ^ c.1 ^ k.0, lo1, hi0 ^ c.3 ^ k.1, lo0)
        }
        return c
    }

    /// The uniform number in [0, 1) for one row at one step: 24 random bits, exact in Float.
    public static func uniform(seed: UInt64, step: Int, row: Int) -> Float {
        let r = block(counter: (UInt32(truncatingIfNeeded: step), UInt32(truncatingIfNeeded: row), 0, 0),
                      key: (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
        return Float(r.0 >> 8) * (1.0 / 16_777_216.0)
    }
}
