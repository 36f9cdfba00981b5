import GPUCore

/// The KV cache in GPU buffers: two sets per layer (keys and values), each sized for the whole
/// generation. Each step binds one set as the past inputs (`Tensor.fromGpuBuffer`, length P) and
/// the other as pre-allocated present fetches (length P + 1), then the roles swap, so the cache is
/// never copied and never leaves the GPU.
final class KVCache {
    let rows: Int, heads: Int, headDimension: Int, capacity: Int, layers: Int
    /// buffers[set][layer] = (key, value)
    private let buffers: [[(key: GPUBuffer, value: GPUBuffer)]]
    private var current = 0

    init(context: GPUContext, interface: DecoderInterface, rows: Int, capacity: Int) throws {
        self.rows = rows
        heads = interface.heads
        headDimension = interface.headDimension
        layers = interface.layers
        self.capacity = capacity
        guard let bytes = ShapeMath.byteCount([rows, heads, capacity, headDimension], .float32) else {
            throw GenerationError.invalidRequest("KV cache of \(rows) rows × \(capacity) positions overflows")
        }
        buffers = try (0..<2).map { set in
            try (0..<interface.layers).map { layer in
                (try context.makeBuffer(size: bytes, label: "kv\(set).\(layer).key"),
                 try context.makeBuffer(size: bytes, label: "kv\(set).\(layer).value"))
            }
        }
    }

    private func dims(_ length: Int) -> [Int] { [rows, heads, length, headDimension] }

    /// Past inputs of `length` positions (zero-sized tensors for the prefill).
    func pastFeeds(length: Int) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for (layer, pair) in buffers[current].enumerated() {
            feeds[DecoderInterface.pastKey(layer)] = try Tensor.fromGpuBuffer(pair.key, dataType: .float32, dims: dims(length))
            feeds[DecoderInterface.pastValue(layer)] = try Tensor.fromGpuBuffer(pair.value, dataType: .float32, dims: dims(length))
        }
        return feeds
    }

    /// Present fetches of `length` positions, written into the other set.
    func presentFetches(length: Int) throws -> [String: Tensor] {
        guard length <= capacity else {
            throw GenerationError.invalidRequest("KV cache holds \(capacity) positions, step needs \(length)")
        }
        var fetches: [String: Tensor] = [:]
        for (layer, pair) in buffers[1 - current].enumerated() {
            fetches[DecoderInterface.presentKey(layer)] = try Tensor.fromGpuBuffer(pair.key, dataType: .float32, dims: dims(length))
            fetches[DecoderInterface.presentValue(layer)] = try Tensor.fromGpuBuffer(pair.value, dataType: .float32, dims: dims(length))
        }
        return fetches
    }

    /// After a step: the presents just written become the next step's pasts.
    func swap() { current = 1 - current }
}
