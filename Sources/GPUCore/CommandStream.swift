import CVulkan
import Foundation

/// Records many dispatches and copies into one command buffer, inserting a barrier only where a
/// command touches a buffer that an earlier command since the last barrier wrote (or writes one it
/// read), then submits once. A finished stream can be submitted again unchanged (graph capture).
public final class CommandStream: @unchecked Sendable {
    public let context: GPUContext
    public let label: String
    private let pool: VkCommandPool
    private let commandBuffer: VkCommandBuffer
    private var recording = true
    /// Everything the recorded commands touch stays alive until the GPU is done with it.
    private var retained: Set<GPUBuffer> = []
    private var writtenSinceBarrier: Set<ObjectIdentifier> = []
    private var readSinceBarrier: Set<ObjectIdentifier> = []
    private var pendingDownloads: [PendingDownload] = []
    private var lastSubmission: UInt64 = 0
    public private(set) var dispatchCount = 0
    public private(set) var barrierCount = 0
    public private(set) var submitCount = 0
    private let timestamps: TimestampRecorder?

    public init(context: GPUContext, label: String = "stream", profile: Bool = false) throws(GPUError) {
        self.context = context
        self.label = label
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.queueFamilyIndex = context.queueFamily
        var pool: VkCommandPool?
        try vkCheck(vkCreateCommandPool(context.device, &poolInfo, nil, &pool), "vkCreateCommandPool")
        guard let pool else { throw .vulkan(call: "vkCreateCommandPool", result: "no handle") }
        var allocInfo = VkCommandBufferAllocateInfo()
        allocInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocInfo.commandPool = pool
        allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocInfo.commandBufferCount = 1
        var buffer: VkCommandBuffer?
        do {
            try vkCheck(vkAllocateCommandBuffers(context.device, &allocInfo, &buffer), "vkAllocateCommandBuffers")
        } catch {
            vkDestroyCommandPool(context.device, pool, nil)
            throw error
        }
        guard let buffer else { throw .vulkan(call: "vkAllocateCommandBuffers", result: "no handle") }
        self.pool = pool
        self.commandBuffer = buffer
        var begin = VkCommandBufferBeginInfo()
        begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        vkBeginCommandBuffer(buffer, &begin)
        timestamps = profile && context.capabilities.timestampsSupported ? try TimestampRecorder(context: context) : nil
        timestamps?.start(commandBuffer)
    }

    deinit {
        try? context.timeline.wait(device: context.device, value: lastSubmission, what: "\(label) release")
        timestamps?.destroy()
        vkDestroyCommandPool(context.device, pool, nil)
    }

    // MARK: Recording

    /// Records one dispatch of `kernel` over `groups` workgroups.
    public func dispatch(_ kernel: ComputeKernel, _ bindings: [BufferBinding], push: PushConstants = PushConstants(),
                         groups: (x: Int, y: Int, z: Int), label: String? = nil) throws(GPUError) {
        try ensureRecording()
        guard bindings.count == kernel.bindingCount else {
            throw .bindingMismatch(kernel: kernel.name, expected: kernel.bindingCount, given: bindings.count)
        }
        guard push.bytes.count <= kernel.pushConstantBytes else {
            throw .bufferTooSmall(what: "push constants of \(kernel.name)", needed: push.bytes.count, size: kernel.pushConstantBytes)
        }
        let maxGroups = context.capabilities.maxWorkgroupCount
        guard groups.x <= maxGroups[0], groups.y <= maxGroups[1], groups.z <= maxGroups[2] else {
            throw .bufferTooSmall(what: "workgroup count of \(kernel.name) (\(groups.x)×\(groups.y)×\(groups.z))",
                                  needed: max(groups.x, groups.y, groups.z), size: maxGroups.min() ?? 0)
        }
        guard groups.x > 0, groups.y > 0, groups.z > 0 else { return }
        for binding in bindings {
            guard binding.offset >= 0, binding.offset + (binding.range ?? 0) <= binding.buffer.allocation.size else {
                throw .bufferTooSmall(what: "binding of \(binding.buffer.label) to \(kernel.name)",
                                      needed: binding.offset + (binding.range ?? 0), size: binding.buffer.size)
            }
        }
        barrierIfNeeded(reads: bindings.filter { $0.access != .write }.map(\.buffer),
                        writes: bindings.filter { $0.access != .read }.map(\.buffer))
        vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline)
        var infos = bindings.map { binding -> VkDescriptorBufferInfo in
            let range = binding.range ?? (binding.buffer.allocation.size - binding.offset)
            return VkDescriptorBufferInfo(buffer: binding.buffer.vkBuffer, offset: VkDeviceSize(binding.offset),
                                          range: VkDeviceSize(max(range, 4)))
        }
        infos.withUnsafeMutableBufferPointer { infoPtr in
            var writes = (0..<bindings.count).map { i -> VkWriteDescriptorSet in
                var w = VkWriteDescriptorSet()
                w.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                w.dstBinding = UInt32(i)
                w.descriptorCount = 1
                w.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                w.pBufferInfo = UnsafePointer(infoPtr.baseAddress! + i)
                return w
            }
            context.functions.cmdPushDescriptorSet(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.layout, 0,
                                                   UInt32(writes.count), &writes)
        }
        if !push.bytes.isEmpty {
            push.bytes.withUnsafeBytes {
                vkCmdPushConstants(commandBuffer, kernel.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0,
                                   UInt32($0.count), $0.baseAddress)
            }
        }
        vkCmdDispatch(commandBuffer, UInt32(groups.x), UInt32(groups.y), UInt32(groups.z))
        bindings.forEach { retained.insert($0.buffer) }
        dispatchCount += 1
        timestamps?.mark(commandBuffer, label: label ?? kernel.name)
    }

    /// Records a buffer-to-buffer copy.
    public func copy(from source: GPUBuffer, sourceOffset: Int = 0, to destination: GPUBuffer, destinationOffset: Int = 0,
                     bytes: Int) throws(GPUError) {
        try ensureRecording()
        guard bytes > 0 else { return }
        guard sourceOffset + bytes <= source.size, destinationOffset + bytes <= destination.size else {
            throw .bufferTooSmall(what: "copy \(source.label) → \(destination.label)", needed: bytes,
                                  size: min(source.size - sourceOffset, destination.size - destinationOffset))
        }
        barrierIfNeeded(reads: [source], writes: [destination])
        var region = VkBufferCopy(srcOffset: VkDeviceSize(sourceOffset), dstOffset: VkDeviceSize(destinationOffset), size: VkDeviceSize(bytes))
        vkCmdCopyBuffer(commandBuffer, source.vkBuffer, destination.vkBuffer, 1, &region)
        retained.insert(source)
        retained.insert(destination)
    }

    /// Records an upload of `bytes` into `destination` through a staging buffer filled now.
    public func upload(_ bytes: UnsafeRawBufferPointer, to destination: GPUBuffer, offset: Int = 0) throws(GPUError) {
        guard bytes.count > 0 else { return }
        let staging = try context.makePooledBuffer(size: bytes.count, placement: .upload, label: "upload staging")
        guard let mapped = staging.allocation.mapped else { throw .missingFeature("mapped upload staging memory") }
        mapped.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        try copy(from: staging, to: destination, destinationOffset: offset, bytes: bytes.count)
        context.stats.uploaded(bytes.count)
    }

    public func upload(_ bytes: [UInt8], to destination: GPUBuffer, offset: Int = 0) throws(GPUError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(GPUError) in try upload(raw, to: destination, offset: offset) } }.get()
    }

    /// Records a download of `bytes` of `source`; read the result after the stream completes.
    public func download(_ source: GPUBuffer, offset: Int = 0, bytes: Int) throws(GPUError) -> PendingDownload {
        let staging = try context.makePooledBuffer(size: max(bytes, 4), placement: .download, label: "download staging")
        try copy(from: source, sourceOffset: offset, to: staging, bytes: bytes)
        let pending = PendingDownload(staging: staging, bytes: bytes, stats: context.stats)
        pendingDownloads.append(pending)
        return pending
    }

    /// Fills `bytes` of `buffer` with zero (vkCmdFillBuffer; size rounded to 4).
    public func zero(_ buffer: GPUBuffer, offset: Int = 0, bytes: Int? = nil) throws(GPUError) {
        try ensureRecording()
        let count = bytes ?? (buffer.size - offset)
        guard count > 0 else { return }
        barrierIfNeeded(reads: [], writes: [buffer])
        let rounded = min((count + 3) / 4 * 4, buffer.allocation.size - offset)
        vkCmdFillBuffer(commandBuffer, buffer.vkBuffer, VkDeviceSize(offset), VkDeviceSize(rounded), 0)
        retained.insert(buffer)
    }

    private func barrierIfNeeded(reads: [GPUBuffer], writes: [GPUBuffer]) {
        let readIDs = reads.map(ObjectIdentifier.init), writeIDs = writes.map(ObjectIdentifier.init)
        let hazard = readIDs.contains(where: writtenSinceBarrier.contains)
            || writeIDs.contains(where: writtenSinceBarrier.contains)
            || writeIDs.contains(where: readSinceBarrier.contains)
        if hazard {
            var barrier = VkMemoryBarrier()
            barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
            barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
            barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
                | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
            let stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
            vkCmdPipelineBarrier(commandBuffer, stages, stages, 0, 1, &barrier, 0, nil, 0, nil)
            writtenSinceBarrier.removeAll(keepingCapacity: true)
            readSinceBarrier.removeAll(keepingCapacity: true)
            barrierCount += 1
        }
        readSinceBarrier.formUnion(readIDs)
        writtenSinceBarrier.formUnion(writeIDs)
    }

    private func ensureRecording() throws(GPUError) {
        guard recording else {
            throw .tensorOwnership("command stream \(label) was already submitted; record into a new stream (submitted streams can only be replayed)")
        }
    }

    // MARK: Submission

    /// Ends recording (first time) and submits. Returns the submission to wait on.
    @discardableResult
    public func submit() throws(GPUError) -> Submission {
        if recording {
            // Make results visible to host reads of mapped memory after the wait.
            var barrier = VkMemoryBarrier()
            barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
            barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
            barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT.rawValue
            vkCmdPipelineBarrier(commandBuffer, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
                                 VK_PIPELINE_STAGE_HOST_BIT.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
            try vkCheck(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer(\(label))")
            recording = false
        } else {
            // Replay: the command buffer may not be pending twice.
            try context.timeline.wait(device: context.device, value: lastSubmission, what: "\(label) before replay")
        }
        timestamps?.resetForSubmit()
        if context.faults.shouldFail(.submission) {
            throw .deviceLost(during: "submission of \(label) (injected fault)")
        }
        let value: UInt64 = try context.withQueue { (queue) throws(GPUError) -> UInt64 in
            let value = context.timeline.nextValue()
            var signal: VkSemaphore? = context.timeline.semaphore
            var signalValue = value
            var cb: VkCommandBuffer? = commandBuffer
            let result = withUnsafePointer(to: &signalValue) { valuePtr in
                withUnsafePointer(to: &signal) { signalPtr in
                    withUnsafePointer(to: &cb) { cbPtr in
                        var timelineInfo = VkTimelineSemaphoreSubmitInfo()
                        timelineInfo.sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO
                        timelineInfo.signalSemaphoreValueCount = 1
                        timelineInfo.pSignalSemaphoreValues = valuePtr
                        return withUnsafePointer(to: &timelineInfo) { timelinePtr in
                            var submit = VkSubmitInfo()
                            submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
                            submit.pNext = UnsafeRawPointer(timelinePtr)
                            submit.commandBufferCount = 1
                            submit.pCommandBuffers = cbPtr
                            submit.signalSemaphoreCount = 1
                            submit.pSignalSemaphores = signalPtr
                            return vkQueueSubmit(queue, 1, &submit, nil)
                        }
                    }
                }
            }
            try vkCheck(result, "vkQueueSubmit(\(label))")
            return value
        }
        lastSubmission = value
        submitCount += 1
        retained.forEach { $0.markUsed(by: value) }
        pendingDownloads.forEach { $0.submitted(value: value, context: context) }
        return Submission(context: context, value: value, label: label)
    }

    /// Submits and waits for completion.
    public func run() throws(GPUError) {
        try submit().wait()
    }

    /// Per-dispatch GPU times of the last completed submission (profiling streams only).
    public func dispatchTimes() throws(GPUError) -> [DispatchTiming] {
        guard let timestamps else { return [] }
        try context.timeline.wait(device: context.device, value: lastSubmission, what: "\(label) timestamps")
        return try timestamps.read()
    }
}

/// A submitted stream's place on the queue timeline.
public struct Submission: Sendable {
    let context: GPUContext
    public let value: UInt64
    let label: String

    public var isComplete: Bool { context.timeline.completedValue(device: context.device) >= value }

    public func wait() throws(GPUError) {
        try context.timeline.wait(device: context.device, value: value, what: label)
    }

    /// Suspends until the GPU finishes, without blocking a cooperative thread.
    public func completion() async throws {
        if isComplete { return }
        // The worker must not hold the context after resuming the caller (see InferenceSession.run):
        // it takes the submission out of a box, waits, and empties the box before resuming.
        let box = Locked<Submission?>(self)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                let outcome: Result<Void, any Error> = {
                    guard let submission = box.withLock({ held -> Submission? in defer { held = nil }; return held }) else { return .success(()) }
                    return Result { try submission.wait() }
                }()
                continuation.resume(with: outcome)
            }
        }
    }
}

/// Bytes copied into host memory by a recorded download; readable once the stream completed.
public final class PendingDownload: @unchecked Sendable {
    private let staging: GPUBuffer
    public let byteCount: Int
    private let stats: MemoryStats
    private let submission = Locked<(UInt64, GPUContext)?>(nil)

    init(staging: GPUBuffer, bytes: Int, stats: MemoryStats) {
        self.staging = staging
        self.byteCount = bytes
        self.stats = stats
    }

    func submitted(value: UInt64, context: GPUContext) { submission.withLock { $0 = (value, context) } }

    /// The downloaded bytes; waits for the submission if it has not finished.
    public func bytes() throws(GPUError) -> [UInt8] {
        guard let (value, context) = submission.current else {
            throw .tensorOwnership("download read before its command stream was submitted")
        }
        try context.timeline.wait(device: context.device, value: value, what: "download")
        guard let mapped = staging.allocation.mapped else { throw .missingFeature("mapped download memory") }
        stats.downloaded(byteCount)
        return [UInt8](UnsafeRawBufferPointer(start: mapped, count: byteCount))
    }
}
