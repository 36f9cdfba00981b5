import Foundation

/// A few kernels run on the device and compared with the same computation on the CPU: proves
/// that compilation, dispatch, barriers, transfers and fp16 handling work on this driver.
public struct SelfTest: Sendable {
    public struct Check: Sendable, Codable, Equatable {
        public let name: String
        public let passed: Bool
        public let detail: String
        public let milliseconds: Double
    }

    public let context: GPUContext
    public let count: Int

    public init(context: GPUContext, count: Int = 1 << 20 | 37) {
        self.context = context
        self.count = count
    }

    public func run() -> [Check] {
        var checks = [timed("fill") { try fill() }, timed("axpy") { try axpy() }, timed("reduce_sum") { try reduceSum() },
                      timed("f16 round trip (packed)") { try halfRoundTrip(native: false) }]
        if context.capabilities.storageBuffer16Bit && context.capabilities.shaderFloat16 {
            checks.append(timed("f16 round trip (native 16-bit storage)") { try halfRoundTrip(native: true) })
        }
        return checks
    }

    private func timed(_ name: String, _ body: () throws -> (Bool, String)) -> Check {
        let start = Date()
        do {
            let (ok, detail) = try body()
            return Check(name: name, passed: ok, detail: detail, milliseconds: Date().timeIntervalSince(start) * 1000)
        } catch {
            return Check(name: name, passed: false, detail: "\(error.localizedDescription)", milliseconds: Date().timeIntervalSince(start) * 1000)
        }
    }

    private func groups(_ n: Int, per: Int = 256) -> (x: Int, y: Int, z: Int) { ((n + per - 1) / per, 1, 1) }

    private func floats(_ bytes: [UInt8]) -> [Float] { bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
    private func bytes(_ floats: [Float]) -> [UInt8] { floats.withUnsafeBytes { [UInt8]($0) } }

    func fill() throws -> (Bool, String) {
        let buffer = try context.makeBuffer(size: count * 4, label: "fill")
        let kernel = try context.shaders.kernel(BuiltinShaders.fill, bindings: 1, pushConstantBytes: 8)
        var push = PushConstants(); push.append(count); push.append(Float(3.25))
        let stream = try CommandStream(context: context, label: "selftest fill")
        try stream.dispatch(kernel, [.write(buffer)], push: push, groups: groups(count))
        try stream.run()
        let wrong = floats(try context.download(buffer)).filter { $0 != 3.25 }.count
        return (wrong == 0, "\(count) elements, \(wrong) wrong")
    }

    func axpy() throws -> (Bool, String) {
        let x = (0..<count).map { Float($0 % 1000) * 0.5 }
        let y = (0..<count).map { Float($0 % 7) - 3 }
        let a: Float = 1.5
        let xb = try context.makeBuffer(bytes: bytes(x), label: "x")
        let yb = try context.makeBuffer(bytes: bytes(y), label: "y")
        let kernel = try context.shaders.kernel(BuiltinShaders.axpy, bindings: 2, pushConstantBytes: 8)
        var push = PushConstants(); push.append(count); push.append(a)
        let stream = try CommandStream(context: context, label: "selftest axpy")
        // Twice in one stream: the second dispatch must see the first one's writes (barrier).
        try stream.dispatch(kernel, [.read(xb), .readWrite(yb)], push: push, groups: groups(count))
        try stream.dispatch(kernel, [.read(xb), .readWrite(yb)], push: push, groups: groups(count))
        try stream.run()
        let result = floats(try context.download(yb))
        let maxError = zip(result, zip(x, y).map { a * $0 + (a * $0 + $1) }).map { abs($0 - $1) }.max() ?? 0
        return (maxError <= 1e-3, "max |error| \(maxError) over \(count) elements, \(stream.barrierCount) barrier(s)")
    }

    func reduceSum() throws -> (Bool, String) {
        let values = (0..<count).map { Float(($0 * 7919) % 201) / 100 - 1 }
        let expected = values.reduce(0.0) { $0 + Double($1) }
        var current = try context.makeBuffer(bytes: bytes(values), label: "reduce input")
        var remaining = count
        let kernel = try context.shaders.kernel(BuiltinShaders.reduceSum, bindings: 2, pushConstantBytes: 4)
        let stream = try CommandStream(context: context, label: "selftest reduce")
        while remaining > 1 {
            let partialCount = (remaining + 511) / 512
            let next = try context.makeBuffer(size: partialCount * 4, label: "partials")
            try stream.dispatch(kernel, [.read(current), .write(next)], push: PushConstants([UInt32(remaining)]),
                                groups: (partialCount, 1, 1))
            current = next
            remaining = partialCount
        }
        try stream.run()
        let sum = Double(floats(try context.download(current, count: 4))[0])
        let error = abs(sum - expected)
        return (error <= max(1e-3, abs(expected) * 1e-5), "sum \(sum) vs CPU \(expected)")
    }

    func halfRoundTrip(native: Bool) throws -> (Bool, String) {
        let values = (0..<count).map { Float($0 % 4096) / 64 - 32 }
        let floatsBuffer = try context.makeBuffer(bytes: bytes(values), label: "floats")
        let halves = try context.makeBuffer(size: (count + 1) / 2 * 4, label: "halves")
        var toHalf = KernelVariant(defines: ["TO_F16": ""])
        var fromHalf = KernelVariant()
        if native { toHalf.defines["NATIVE_F16"] = ""; fromHalf.defines["NATIVE_F16"] = "" }
        let down = try context.shaders.kernel(BuiltinShaders.convertF16, variant: toHalf, bindings: 2, pushConstantBytes: 4)
        let up = try context.shaders.kernel(BuiltinShaders.convertF16, variant: fromHalf, bindings: 2, pushConstantBytes: 4)
        let back = try context.makeBuffer(size: count * 4, label: "back")
        let threads = native ? count : (count + 1) / 2
        let stream = try CommandStream(context: context, label: "selftest f16")
        try stream.dispatch(down, [.readWrite(halves), .readWrite(floatsBuffer)], push: PushConstants([UInt32(count)]), groups: groups(threads))
        try stream.dispatch(up, [.readWrite(halves), .readWrite(back)], push: PushConstants([UInt32(count)]), groups: groups(threads))
        try stream.run()
        let halfBits = try context.download(halves, count: count * 2).withUnsafeBytes { Array($0.bindMemory(to: UInt16.self)) }
        let expectedBits = values.map { Float16($0).bitPattern }
        let wrongBits = zip(halfBits, expectedBits).filter { $0 != $1 }.count
        let result = floats(try context.download(back))
        let wrongValues = zip(result, values).filter { Float(Float16($0.1)) != $0.0 }.count
        return (wrongBits == 0 && wrongValues == 0, "\(count) values: \(wrongBits) f16 bit patterns and \(wrongValues) round trips differ from the CPU's")
    }
}
