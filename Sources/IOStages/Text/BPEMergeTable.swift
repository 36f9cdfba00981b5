/// The merge rules of a BPE vocabulary, keyed by the ids of the pair each rule joins, and the
/// merge loop that applies them to one pre-tokenised piece.
struct BPEMergeTable: Sendable {
    struct Rule: Sendable {
        /// Position of the rule in merges.txt: lower ranks are applied first.
        let rank: Int32
        /// Id of the token the pair becomes.
        let result: Int32
    }

    private var rules: [UInt64: Rule] = [:]

    var count: Int { rules.count }

    /// Adds a rule unless the pair already has one: a pair listed twice keeps its first (lowest) rank.
    mutating func add(left: Int32, right: Int32, result: Int32, rank: Int32) {
        let key = Self.key(left, right)
        if rules[key] == nil { rules[key] = Rule(rank: rank, result: result) }
    }

    func rule(_ left: Int32, _ right: Int32) -> Rule? {
        rules[Self.key(left, right)]
    }

    private static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Merges the symbols of one piece until no rule applies: always the pair of lowest rank, and
    /// of equal ranks the leftmost, which gives GPT-2's results. A heap keeps long pieces (a
    /// megabyte without spaces) at O(n log n) instead of the quadratic rescan of the reference.
    func apply(to symbols: [Int32]) -> [Int32] {
        let count = symbols.count
        guard count > 1 else { return symbols }
        var ids = symbols
        // A doubly linked list over the original positions; `count` marks "no next", -1 "no previous".
        var next = Array(1...count)
        var previous = Array(-1..<(count - 1))
        var alive = [Bool](repeating: true, count: count)
        var queue = MinHeap()
        for position in 0..<(count - 1) {
            if let rule = rule(ids[position], ids[position + 1]) {
                queue.push(Self.entry(rank: rule.rank, position: position))
            }
        }
        while let entry = queue.pop() {
            let rank = Int32(truncatingIfNeeded: entry >> 32)
            let position = Int(entry & 0xFFFF_FFFF)
            guard alive[position], next[position] < count else { continue }
            let right = next[position]
            // Entries are not removed when a merge changes their pair; a stale one no longer matches.
            guard let rule = rule(ids[position], ids[right]), rule.rank == rank else { continue }
            ids[position] = rule.result
            alive[right] = false
            next[position] = next[right]
            if next[right] < count { previous[next[right]] = position }
            let before = previous[position]
            if before >= 0, let left = self.rule(ids[before], ids[position]) {
                queue.push(Self.entry(rank: left.rank, position: before))
            }
            if next[position] < count, let after = self.rule(ids[position], ids[next[position]]) {
                queue.push(Self.entry(rank: after.rank, position: position))
            }
        }
        var merged: [Int32] = []
        var position = 0  // the first symbol always survives: a merge keeps its left position
        while position < count {
            merged.append(ids[position])
            position = next[position]
        }
        return merged
    }

    /// Orders by rank, then by position, in one comparable integer.
    private static func entry(rank: Int32, position: Int) -> UInt64 {
        UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(truncatingIfNeeded: position))
    }
}

/// A binary min-heap of integers, just enough for the merge queue.
private struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(_ item: UInt64) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= items[child] { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let smaller = right < items.count && items[right] < items[left] ? right : left
            if items[parent] <= items[smaller] { break }
            items.swapAt(parent, smaller)
            parent = smaller
        }
        return top
    }
}
