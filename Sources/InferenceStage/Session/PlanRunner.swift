import GPUCore
import Logging

/// Executes an `ExecutionPlan` once. GPU steps are recorded into one command stream; a CPU step
/// that needs a GPU value ends the stream there (submit, wait, download) and a new one begins.
/// Values move between CPU and GPU only where a step on the other side reads them.
final class PlanRunner {
    let plan: ExecutionPlan
    let context: GPUContext?
    let arena: PlanArena?
    let constants: ConstantBuffers?
    let profile: Bool

    private var cpu: [Int: TensorData] = [:]
    private var gpu: [Int: GPUValue] = [:]
    private var stream: CommandStream?
    private var encoder: KernelEncoder?
    private var outputBuffers: [String: GPUBuffer] = [:]
    private(set) var profiles: [DispatchTiming] = []
    private(set) var submissions = 0
    /// Graph capture: leave the recorded stream unsubmitted for the session to keep and replay.
    var deferSubmission = false

    init(plan: ExecutionPlan, context: GPUContext?, arena: PlanArena?, constants: ConstantBuffers?, profile: Bool) {
        self.plan = plan
        self.context = context
        self.arena = arena
        self.constants = constants
        self.profile = profile
    }

    /// Binds feeds (CPU data or GPU buffers) and pre-allocated output buffers.
    func bind(feeds: [String: Tensor], outputBuffers: [String: GPUBuffer]) throws {
        self.outputBuffers = outputBuffers
        for (name, tensor) in feeds {
            guard let id = plan.valueIDs[name], plan.values[id].kind == .input else { continue }
            if tensor.location == .gpuBuffer {
                gpu[id] = GPUValue(buffer: try tensor.gpuBuffer(), spec: plan.values[id].spec)
            } else {
                cpu[id] = try tensor.cpuData()
            }
        }
    }

    // MARK: - Running

    /// Runs every step. Returns each output as CPU data or as a GPU value, per `locations`.
    func run(locations: [String: OutputLocation]) throws -> [String: RunOutput] {
        for step in plan.steps {
            do {
                switch step.placement {
                case .gpu: try runGPU(step)
                case .alias: try runAlias(step)
                case .cpu: try runCPU(step)
                }
            } catch let error as InferenceError {
                throw error
            } catch let error as GPUError {
                throw error
            } catch {
                throw InferenceError.node(node: step.node.node.label, message: error.localizedDescription)
            }
        }
        return try collectOutputs(locations: locations)
    }

    private func currentEncoder() throws -> KernelEncoder {
        if let encoder { return encoder }
        guard let context else { throw InferenceError.noProvider("a GPU step without a GPU context") }
        let stream = try CommandStream(context: context, label: "inference", profile: profile)
        let encoder = KernelEncoder(context: context, stream: stream)
        self.stream = stream
        self.encoder = encoder
        return encoder
    }

    /// Submits the current stream (if any), waits, and reads its pending downloads.
    private func flush(downloading ids: [Int] = []) throws {
        guard let stream else { return }
        var pending: [(Int, PendingDownload)] = []
        for id in ids {
            guard let value = gpu[id] else { continue }
            pending.append((id, try stream.download(value.buffer, offset: value.offset, bytes: value.byteCount)))
        }
        try stream.run()
        submissions += 1
        if profile { profiles += try stream.dispatchTimes() }
        for (id, download) in pending {
            let spec = plan.values[id].spec
            cpu[id] = try TensorData(dataType: spec.dataType, dims: spec.dims, bytes: try download.bytes())
        }
        self.stream = nil
        self.encoder = nil
    }

    private func storageBuffer(for id: Int) throws -> (GPUBuffer, Int) {
        guard let context else { throw InferenceError.noProvider("no GPU context") }
        let spec = plan.values[id].spec
        switch plan.storageOf(id) {
        case .slot(let slot):
            guard let arena else { throw InferenceError.noProvider("no arena") }
            return (try arena.buffer(slot, context: context), 0)
        case .output(let name):
            if let buffer = outputBuffers[name] { return (buffer, 0) }
            let buffer = try context.makePooledBuffer(size: max(spec.byteCount, 4), label: "output \(name)")
            outputBuffers[name] = buffer
            return (buffer, 0)
        case .input, .constant, .none:
            // Feeds given as CPU data and values without planned storage get a buffer per run.
            let buffer = try context.makePooledBuffer(size: max(spec.byteCount, 4), label: plan.values[id].name)
            return (buffer, 0)
        }
    }

    /// The value on the GPU, uploading it (or its constant) if it lives on the CPU.
    private func gpuValue(_ id: Int) throws -> GPUValue {
        let root = plan.values[id].aliasOf ?? id
        let spec = plan.values[id].spec
        if let value = gpu[id] { return value }
        if root != id, let rootValue = gpu[root] {
            return GPUValue(buffer: rootValue.buffer, offset: rootValue.offset, spec: spec)
        }
        if let data = plan.values[id].constant, let constants, let context {
            let key = plan.values[id].folded ? "\(plan.values[id].name)#plan\(plan.id)" : plan.values[id].name
            let buffer = try constants.buffer(for: key, data: data, context: context)
            let value = GPUValue(buffer: buffer, spec: spec)
            gpu[id] = value
            return value
        }
        guard let data = cpu[id] else {
            throw InferenceError.node(node: plan.values[id].name, message: "value is neither on the CPU nor on the GPU")
        }
        let (buffer, offset) = try storageBuffer(for: root)
        try currentEncoder().stream.upload(data.bytes, to: buffer, offset: offset)
        let value = GPUValue(buffer: buffer, offset: offset, spec: spec)
        gpu[id] = value
        return value
    }

    /// The value's CPU data, downloading it (which ends the current stream) if needed.
    private func cpuData(_ id: Int) throws -> TensorData {
        if let data = plan.values[id].constant { return data }
        if let data = cpu[id] { return data }
        let root = plan.values[id].aliasOf ?? id
        if root != id {
            let data = try cpuData(root)
            return try data.reshaped(plan.values[id].spec.dims)
        }
        guard gpu[id] != nil else {
            throw InferenceError.node(node: plan.values[id].name, message: "value is neither on the CPU nor on the GPU")
        }
        // A GPU feed read by a CPU step before any GPU step ran has no stream to download in yet.
        _ = try currentEncoder()
        try flush(downloading: [id])
        guard let data = cpu[id] else { throw InferenceError.node(node: plan.values[id].name, message: "download failed") }
        return data
    }

    private func runGPU(_ step: ExecutionPlan.Step) throws {
        let encoder = try currentEncoder()
        let inputs = try step.inputs.map { try $0.map(gpuValue) }
        var outputs: [GPUValue] = []
        for (index, id) in step.outputs.enumerated() {
            if let id {
                let (buffer, offset) = try storageBuffer(for: id)
                let value = GPUValue(buffer: buffer, offset: offset, spec: step.outputSpecs[index])
                gpu[id] = value
                outputs.append(value)
            } else {
                // Unnamed optional output: scratch space the kernel may write.
                outputs.append(GPUValue(buffer: try encoder.scratchBuffer(bytes: step.outputSpecs[index].byteCount), spec: step.outputSpecs[index]))
            }
        }
        encoder.nodeLabel = step.node.node.label
        try step.node.op.encodeGPU(encoder, inputs: inputs, outputs: outputs, constants: step.constants)
    }

    private func runAlias(_ step: ExecutionPlan.Step) throws {
        guard let outputID = step.outputs.first ?? nil, let alias = step.node.op.aliasedInput, let inputID = step.inputs[alias] else { return }
        let spec = step.outputSpecs[0]
        if let value = gpu[inputID] {
            gpu[outputID] = GPUValue(buffer: value.buffer, offset: value.offset, spec: spec)
        } else if let data = cpu[inputID] ?? plan.values[inputID].constant {
            cpu[outputID] = try data.reshaped(spec.dims)
        }
    }

    private func runCPU(_ step: ExecutionPlan.Step) throws {
        let needed = step.inputs.compactMap { $0 }.filter { plan.values[$0].constant == nil && cpu[$0] == nil && cpu[plan.values[$0].aliasOf ?? $0] == nil }
        if !needed.isEmpty { try flush(downloading: needed.map { plan.values[$0].aliasOf ?? $0 }) }
        let inputs = try step.inputs.map { try $0.map(cpuData) }
        let results = try step.node.op.computeCPU(inputs, outputs: step.outputSpecs)
        for (index, id) in step.outputs.enumerated() {
            if let id { cpu[id] = results[index] }
        }
    }

    /// The recorded, unsubmitted stream (graph capture), and the output buffers it writes.
    func takeRecording() -> (CommandStream?, [String: GPUBuffer]) {
        defer { stream = nil; encoder = nil }
        return (stream, outputBuffers)
    }

    // MARK: - Outputs

    enum RunOutput {
        case cpu(TensorData)
        case gpu(GPUBuffer, TensorSpec)
    }

    private func collectOutputs(locations: [String: OutputLocation]) throws -> [String: RunOutput] {
        var result: [String: RunOutput] = [:]
        var downloads: [String: Int] = [:]
        for name in plan.outputNames {
            guard let id = plan.valueIDs[name] else { continue }
            let spec = plan.values[id].spec
            if spec.isZeroSized {
                result[name] = .cpu(try TensorData(zeros: spec.dataType, dims: spec.dims))
                continue
            }
            switch locations[name] ?? .cpu {
            case .gpuBuffer:
                guard let context else {
                    result[name] = .cpu(try cpuData(id))
                    continue
                }
                let target: GPUBuffer
                if let existing = outputBuffers[name] { target = existing } else {
                    target = try context.makePooledBuffer(size: max(spec.byteCount, 4), label: "output \(name)")
                }
                outputBuffers[name] = target
                if plan.storageOf(id) == .output(name), let value = gpu[id], value.buffer === target {
                    result[name] = .gpu(target, spec)
                    continue
                }
                // Produced elsewhere (CPU step, an input, a constant, a shared alias): copy in.
                let source: GPUValue? = if let value = gpu[id] { value } else if plan.values[id].constant != nil { try gpuValue(id) } else { nil }
                if let value = source {
                    try currentEncoder().stream.copy(from: value.buffer, sourceOffset: value.offset, to: target, bytes: spec.byteCount)
                } else {
                    try currentEncoder().stream.upload(try cpuData(id).bytes, to: target)
                }
                result[name] = .gpu(target, spec)
            case .cpu:
                if gpu[id] != nil, cpu[id] == nil { downloads[name] = id } else { result[name] = .cpu(try cpuData(id)) }
            }
        }
        if deferSubmission {
            guard downloads.isEmpty else { throw InferenceError.graphCapture("outputs \(downloads.keys.sorted()) would be downloaded") }
            return result
        }
        try flush(downloading: Array(downloads.values))
        for (name, id) in downloads {
            guard let data = cpu[id] else { throw InferenceError.node(node: name, message: "output download failed") }
            result[name] = .cpu(data)
        }
        return result
    }
}

/// GPU memory for a plan's intermediate values, reused across runs. A plan keeps several so runs
/// from concurrent tasks never share one.
final class PlanArena: @unchecked Sendable {
    private let sizes: [Int]
    private var buffers: [Int: GPUBuffer] = [:]

    init(sizes: [Int]) { self.sizes = sizes }

    func buffer(_ slot: Int, context: GPUContext) throws -> GPUBuffer {
        if let buffer = buffers[slot] { return buffer }
        let buffer = try context.makeBuffer(size: sizes[slot], label: "arena slot \(slot)")
        buffers[slot] = buffer
        return buffer
    }

    var allocatedBytes: Int { buffers.values.reduce(0) { $0 + $1.size } }
}

/// Initializers and folded constants uploaded once per session (weights stay on the GPU).
final class ConstantBuffers: @unchecked Sendable {
    private let buffers = Locked<[String: GPUBuffer]>([:])

    func buffer(for name: String, data: TensorData, context: GPUContext) throws -> GPUBuffer {
        if let buffer = buffers.withLock({ $0[name] }), buffer.size >= data.bytes.count { return buffer }
        let buffer = try context.makeBuffer(size: max(data.bytes.count, 4), label: "constant \(name)")
        try context.upload(data.bytes, to: buffer)
        buffers.withLock { $0[name] = buffer }
        return buffer
    }

    var count: Int { buffers.withLock { $0.count } }
}
