import Foundation

/// A multi-producer, multi-consumer async queue with a fixed capacity. `send` suspends while
/// the queue is full (back-pressure), `receive` suspends while it is empty, and both give up
/// with `CancellationError` when their task is cancelled. The channel finishes when each of
/// its `producers` has called `finish()`; receivers then drain what is left and get nil.
///
/// A lock rather than an actor: cancellation handlers run synchronously on another thread and
/// must remove their waiter atomically, which an actor hop cannot do.
public final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    public enum Received: Sendable {
        case element(Element)
        case finished
        case timedOut
    }

    private struct Sender {
        let id: UInt64
        let element: Element
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Receiver {
        let id: UInt64
        let continuation: CheckedContinuation<Received, any Error>
        var timer: Task<Void, Never>?
    }

    public let capacity: Int
    private let lock = NSLock()
    private var buffer: [Element] = []
    private var head = 0
    private var senders: [Sender] = []
    private var receivers: [Receiver] = []
    private var remainingProducers: Int
    private var nextID: UInt64 = 0

    /// `capacity` below 1 is raised to 1: a zero-capacity queue would need rendezvous semantics.
    public init(capacity: Int, producers: Int = 1) {
        self.capacity = max(1, capacity)
        self.remainingProducers = max(0, producers)
    }

    /// Elements waiting in the queue (not counting suspended senders).
    public var count: Int { lock.withLock { buffer.count - head } }

    public func send(_ element: Element) async throws {
        let id = lock.withLock { () -> UInt64 in nextID += 1; return nextID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if !receivers.isEmpty {
                    let receiver = receivers.removeFirst()
                    lock.unlock()
                    receiver.timer?.cancel()
                    receiver.continuation.resume(returning: .element(element))
                    continuation.resume()
                } else if buffer.count - head < capacity {
                    buffer.append(element)
                    lock.unlock()
                    continuation.resume()
                } else {
                    senders.append(Sender(id: id, element: element, continuation: continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            let sender = lock.withLock { () -> Sender? in
                guard let position = senders.firstIndex(where: { $0.id == id }) else { return nil }
                return senders.remove(at: position)
            }
            sender?.continuation.resume(throwing: CancellationError())
        }
    }

    /// The next element, or nil once every producer has finished and the queue is empty.
    public func receive() async throws -> Element? {
        switch try await receive(deadline: nil) {
        case .element(let element): return element
        case .finished, .timedOut: return nil
        }
    }

    /// Like `receive()`, but gives up with `.timedOut` at `deadline` (used by the batcher).
    public func receive(until deadline: ContinuousClock.Instant) async throws -> Received {
        try await receive(deadline: deadline)
    }

    /// Takes an element if one is ready, without waiting.
    public func tryReceive() -> Element? {
        lock.lock()
        let (element, refilled) = takeBuffered()
        lock.unlock()
        refilled?.resume()
        return element
    }

    /// Called once by each producer when it will send nothing more.
    public func finish() {
        lock.lock()
        remainingProducers -= 1
        var finishedReceivers: [Receiver] = []
        if remainingProducers <= 0 && buffer.count == head && senders.isEmpty {
            finishedReceivers = receivers
            receivers.removeAll()
        }
        lock.unlock()
        for receiver in finishedReceivers {
            receiver.timer?.cancel()
            receiver.continuation.resume(returning: .finished)
        }
    }

    private func receive(deadline: ContinuousClock.Instant?) async throws -> Received {
        let id = lock.withLock { () -> UInt64 in nextID += 1; return nextID }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Received, any Error>) in
                lock.lock()
                let (buffered, refilled) = takeBuffered()
                if let element = buffered {
                    lock.unlock()
                    refilled?.resume()
                    continuation.resume(returning: .element(element))
                } else if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if remainingProducers <= 0 {
                    lock.unlock()
                    continuation.resume(returning: .finished)
                } else if let deadline, deadline <= .now {
                    lock.unlock()
                    continuation.resume(returning: .timedOut)
                } else {
                    var receiver = Receiver(id: id, continuation: continuation, timer: nil)
                    if let deadline {
                        receiver.timer = Task { [weak self] in
                            try? await Task.sleep(until: deadline, clock: .continuous)
                            guard !Task.isCancelled else { return }
                            self?.expire(id)
                        }
                    }
                    receivers.append(receiver)
                    lock.unlock()
                }
            }
        } onCancel: {
            let receiver = removeReceiver(id)
            receiver?.timer?.cancel()
            receiver?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Pops the oldest element and lets the oldest blocked sender refill the freed slot.
    /// Must be called with the lock held. The returned sender continuation must be resumed after
    /// unlocking: resuming takes the task's status lock, and a cancellation handler holding that
    /// lock waits for ours (a lock-order inversion that deadlocked a test run).
    private func takeBuffered() -> (Element?, CheckedContinuation<Void, any Error>?) {
        guard head < buffer.count else {
            guard !senders.isEmpty else { return (nil, nil) }
            let sender = senders.removeFirst()
            return (sender.element, sender.continuation)
        }
        let element = buffer[head]
        head += 1
        var refilled: CheckedContinuation<Void, any Error>?
        if !senders.isEmpty {
            let sender = senders.removeFirst()
            buffer.append(sender.element)
            refilled = sender.continuation
        }
        if head > 32 && head * 2 > buffer.count {
            buffer.removeFirst(head)
            head = 0
        }
        return (element, refilled)
    }

    private func removeReceiver(_ id: UInt64) -> Receiver? {
        lock.withLock {
            guard let position = receivers.firstIndex(where: { $0.id == id }) else { return nil }
            return receivers.remove(at: position)
        }
    }

    private func expire(_ id: UInt64) {
        removeReceiver(id)?.continuation.resume(returning: .timedOut)
    }
}
