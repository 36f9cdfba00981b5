/// One of N deterministic slices of a run's inputs (`--shard i/N`). An item belongs to shard
/// `fnv1a64(sourceID) % N`: the hash of its id, not its index, so a shard's items stay the same
/// when files are added to or removed from the listing, and the N shards together cover every
/// item exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws(PipelineError) {
        guard count >= 1, index >= 0, index < count else { throw .invalidShard("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// Parses "i/N".
    public init(parsing text: String) throws(PipelineError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { throw .invalidShard(text) }
        guard count >= 1, index >= 0, index < count else { throw .invalidShard(text) }
        self.index = index
        self.count = count
    }

    public func contains(sourceID: String) -> Bool {
        Int(StableHash.fnv1a64(sourceID) % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}

/// A hash that is the same on every machine and every run (Swift's `Hasher` is seeded per
/// process, so it cannot split work between machines).
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
