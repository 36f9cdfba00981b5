import Foundation

/// Remembers the ids of pieces already encoded: natural text repeats its words, and a lookup is
/// much cheaper than the merge loop.
///
/// One cache belongs to one tokenizer value (and the copies of it) and is shared by every thread
/// that encodes with it, behind a lock. It holds at most `capacity` pieces of at most
/// `maximumPieceLength` bytes; when full it starts again empty, which bounds memory without the
/// bookkeeping of an LRU.
final class BPEWordCache: @unchecked Sendable {  // Sendable: `entries` is only touched under `lock`.
    static let maximumPieceLength = 256

    private let capacity: Int
    private let lock = NSLock()
    private var entries: [PieceKey: [Int32]] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    func ids(for piece: ArraySlice<UInt8>) -> [Int32]? {
        let key = PieceKey(bytes: piece)
        lock.lock()
        defer { lock.unlock() }
        return entries[key]
    }

    func store(_ ids: [Int32], for piece: ArraySlice<UInt8>) {
        guard piece.count <= Self.maximumPieceLength, capacity > 0 else { return }
        // A copy, so that the cache does not keep the whole text the piece was cut from alive.
        let key = PieceKey(bytes: ArraySlice(Array(piece)))
        lock.lock()
        defer { lock.unlock() }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = ids
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}

/// The bytes of a piece, hashed in one call rather than byte by byte. A lookup uses a slice of the
/// text being encoded, so it allocates nothing.
private struct PieceKey: Hashable {
    let bytes: ArraySlice<UInt8>

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
