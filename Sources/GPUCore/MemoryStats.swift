/// Exact accounting of device memory and host↔device traffic, so tests can assert that nothing
/// leaks and that a pipeline never downloads what should stay on the GPU.
public final class MemoryStats: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// Bytes of VkDeviceMemory currently allocated (pooled free buffers included).
        public var liveBytes = 0
        /// Buffers currently allocated (pooled free buffers included).
        public var liveBuffers = 0
        public var totalAllocations = 0
        public var peakBytes = 0
        public var uploads = 0
        public var uploadBytes = 0
        public var downloads = 0
        public var downloadBytes = 0
    }

    private let state = Locked(Snapshot())

    public var snapshot: Snapshot { state.current }

    func allocated(_ bytes: Int) {
        state.withLock {
            $0.liveBytes += bytes
            $0.liveBuffers += 1
            $0.totalAllocations += 1
            $0.peakBytes = max($0.peakBytes, $0.liveBytes)
        }
    }

    func freed(_ bytes: Int) {
        state.withLock { $0.liveBytes -= bytes; $0.liveBuffers -= 1 }
    }

    func uploaded(_ bytes: Int) { state.withLock { $0.uploads += 1; $0.uploadBytes += bytes } }
    func downloaded(_ bytes: Int) { state.withLock { $0.downloads += 1; $0.downloadBytes += bytes } }
}

/// Makes the Nth device allocation or queue submission fail, to test error paths without a real
/// out-of-memory or lost device. Set from `SLUICE_FAULT_ALLOC=N` / `SLUICE_FAULT_SUBMIT=N` or in tests.
public final class FaultInjector: @unchecked Sendable {
    public enum Kind: Sendable { case allocation, submission }
    private struct Counters { var allocations = 0; var submissions = 0; var failAllocation: Int?; var failSubmission: Int? }
    private let state: Locked<Counters>

    public init(failAllocation: Int? = nil, failSubmission: Int? = nil) {
        state = Locked(Counters(failAllocation: failAllocation, failSubmission: failSubmission))
    }

    public static func fromEnvironment() -> FaultInjector {
        let env = ProcessInfoEnvironment.values
        return FaultInjector(failAllocation: env["SLUICE_FAULT_ALLOC"].flatMap { Int($0) },
                             failSubmission: env["SLUICE_FAULT_SUBMIT"].flatMap { Int($0) })
    }

    /// Arms a failure `after` more events of `kind` (1 = the very next one).
    public func arm(_ kind: Kind, after count: Int) {
        state.withLock {
            switch kind {
            case .allocation: $0.failAllocation = $0.allocations + count
            case .submission: $0.failSubmission = $0.submissions + count
            }
        }
    }

    /// Counts one event and tells whether it must fail.
    func shouldFail(_ kind: Kind) -> Bool {
        state.withLock {
            switch kind {
            case .allocation:
                $0.allocations += 1
                return $0.allocations == $0.failAllocation
            case .submission:
                $0.submissions += 1
                return $0.submissions == $0.failSubmission
            }
        }
    }
}
