import Foundation

/// A value guarded by a lock. NSLock rather than `Synchronization.Mutex`: ThreadSanitizer on Linux
/// reports false races through Mutex, and the sanitizer runs are part of the test plan.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    @discardableResult
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    public var current: Value { withLock { $0 } }
}
