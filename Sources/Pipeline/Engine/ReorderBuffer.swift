/// Holds results that finished early until every earlier sequence number has been released,
/// so records can be written in input order. Sequence numbers are contiguous from 0.
public struct ReorderBuffer<Element> {
    public private(set) var nextSequence = 0
    private var pending: [Int: Element] = [:]

    public init() {}

    public var heldCount: Int { pending.count }

    /// Adds the element for `sequence` and returns every element now releasable, in order.
    public mutating func insert(_ element: Element, sequence: Int) -> [Element] {
        pending[sequence] = element
        var released: [Element] = []
        while let next = pending.removeValue(forKey: nextSequence) {
            released.append(next)
            nextSequence += 1
        }
        return released
    }

    /// Everything still held, in sequence order, skipping gaps (used when a run is cancelled:
    /// completed results are still written; resume fills the gaps later).
    public mutating func drainAll() -> [Element] {
        let released = pending.keys.sorted().compactMap { pending[$0] }
        pending.removeAll()
        return released
    }
}
