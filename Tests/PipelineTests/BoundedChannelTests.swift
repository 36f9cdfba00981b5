import Testing
@testable import Pipeline

struct BoundedChannelTests {
    @Test func deliversInOrderAndFinishes() async throws {
        let channel = BoundedChannel<Int>(capacity: 3, producers: 2)
        let producer = Task {
            for value in 0..<50 { try await channel.send(value) }
            channel.finish()
        }
        channel.finish()
        var received: [Int] = []
        while let value = try await channel.receive() {
            #expect(channel.count <= 3)
            received.append(value)
        }
        try await producer.value
        #expect(received == Array(0..<50))
    }

    @Test func sendWaitsWhileFull() async throws {
        let channel = BoundedChannel<Int>(capacity: 2)
        try await channel.send(1)
        try await channel.send(2)
        let sent = Counter()
        let blocked = Task {
            try await channel.send(3)
            sent.increment()
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(sent.value == 0)
        #expect(channel.count == 2)
        #expect(try await channel.receive() == 1)
        try await blocked.value
        #expect(sent.value == 1)
        #expect(channel.tryReceive() == 2)
        #expect(channel.tryReceive() == 3)
        #expect(channel.tryReceive() == nil)
    }

    @Test func cancellationWakesBlockedSendersAndReceivers() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        try await channel.send(0)
        let sender = Task { try await channel.send(1) }
        let empty = BoundedChannel<Int>(capacity: 1)
        let receiver = Task { try await empty.receive() }
        try await Task.sleep(for: .milliseconds(20))
        sender.cancel()
        receiver.cancel()
        await #expect(throws: CancellationError.self) { try await sender.value }
        await #expect(throws: CancellationError.self) { try await receiver.value }
        #expect(channel.count == 1)
    }

    @Test func receiveTimesOut() async throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        let started = ContinuousClock.now
        let result = try await channel.receive(until: .now + .milliseconds(30))
        guard case .timedOut = result else {
            Issue.record("expected a timeout, got \(result)")
            return
        }
        #expect(ContinuousClock.now - started >= .milliseconds(30))
        try await channel.send(7)
        guard case .element(7) = try await channel.receive(until: .now + .seconds(5)) else {
            Issue.record("expected the element")
            return
        }
    }

    @Test func reorderBufferReleasesInSequence() {
        var buffer = ReorderBuffer<String>()
        #expect(buffer.insert("c", sequence: 2) == [])
        #expect(buffer.insert("a", sequence: 0) == ["a"])
        #expect(buffer.insert("e", sequence: 4) == [])
        #expect(buffer.insert("b", sequence: 1) == ["b", "c"])
        #expect(buffer.heldCount == 1)
        #expect(buffer.drainAll() == ["e"])
        #expect(buffer.heldCount == 0)
    }
}
