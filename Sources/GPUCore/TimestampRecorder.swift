import CVulkan

/// GPU time of one recorded dispatch.
public struct DispatchTiming: Sendable, Equatable {
    public let label: String
    public let startNanoseconds: Double
    public let durationNanoseconds: Double
}

/// Timestamp queries around dispatches: one at the start of the stream and one after each
/// dispatch, so a dispatch's time is the gap to the previous mark (barriers included).
final class TimestampRecorder: @unchecked Sendable {
    private let context: GPUContext
    private var pool: VkQueryPool?
    private var capacity = 0
    private var labels: [String] = []
    private static let maxQueries = 16384

    init(context: GPUContext) throws(GPUError) {
        self.context = context
        var info = VkQueryPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
        info.queryType = VK_QUERY_TYPE_TIMESTAMP
        info.queryCount = UInt32(Self.maxQueries)
        try vkCheck(vkCreateQueryPool(context.device, &info, nil, &pool), "vkCreateQueryPool")
        capacity = Self.maxQueries
    }

    func destroy() { if let pool { vkDestroyQueryPool(context.device, pool, nil) } }

    func start(_ cb: VkCommandBuffer) {
        vkCmdResetQueryPool(cb, pool, 0, UInt32(capacity))
        vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, pool, 0)
    }

    func mark(_ cb: VkCommandBuffer, label: String) {
        guard labels.count + 1 < capacity else { return }
        labels.append(label)
        vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, UInt32(labels.count))
    }

    /// Queries are reset inside the command buffer itself (see `start`), so replays need nothing here.
    func resetForSubmit() {}

    func read() throws(GPUError) -> [DispatchTiming] {
        let count = labels.count + 1
        var values = [UInt64](repeating: 0, count: count)
        let result = values.withUnsafeMutableBytes {
            vkGetQueryPoolResults(context.device, pool, 0, UInt32(count), $0.count, $0.baseAddress, 8,
                                  VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue)
        }
        try vkCheck(result, "vkGetQueryPoolResults")
        let period = context.capabilities.timestampPeriodNanoseconds
        let base = values[0]
        return labels.indices.map { i in
            let start = Double(values[i] &- base) * period
            let end = Double(values[i + 1] &- base) * period
            return DispatchTiming(label: labels[i], startNanoseconds: start, durationNanoseconds: max(0, end - start))
        }
    }
}
