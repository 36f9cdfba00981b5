import GPUCore

/// The KV cache in GPU buffers, bound as `Tensor.fromGpuBuffer` past inputs and as pre-allocated
/// present fetches, so it never leaves the GPU. Two layouts:
/// - `growing`: two sets per layer sized for the whole generation; a step reads pasts of length P
///   from one set and writes presents of length P + 1 into the other, then the roles swap (no
///   copy, but every step has new shapes, so the session plans each one anew).
/// - `fixedWindow(W)`: pasts always have W - 1 positions and presents W; the unfilled left part of
///   the window is masked out. After each run the newest W - 1 present positions slide into the
///   past set with one GPU copy per tensor, so every decode step has the same shapes (one plan,
///   and the precondition for replaying a captured graph).
final class KVCache {
    enum Layout: Equatable { case growing, fixedWindow(Int) }

    let layout: Layout
    let rows: Int, heads: Int, headDimension: Int, layers: Int
    /// Positions each buffer holds.
    let capacity: Int
    /// buffers[set][layer] = (key, value)
    private let buffers: [[(key: GPUBuffer, value: GPUBuffer)]]
    private var current = 0

    init(context: GPUContext, interface: DecoderInterface, rows: Int, capacity: Int, layout: Layout) throws {
        self.rows = rows
        self.layout = layout
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
        if case .fixedWindow = layout {
            // Masked slots are still multiplied by zero attention weights: they must not hold NaN.
            let stream = try CommandStream(context: context, label: "kv cache clear")
            for pair in buffers[0] { try stream.zero(pair.key); try stream.zero(pair.value) }
            try stream.run()
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

    /// After a run that wrote `presentLength` positions: make them the next step's pasts (swap the
    /// sets, or record the slide of the newest window - 1 positions into the past set).
    func advance(presentLength: Int, encoder: KernelEncoder) throws {
        switch layout {
        case .growing:
            current = 1 - current
        case .fixedWindow(let window):
            let pastLength = window - 1
            let keep = min(presentLength, pastLength)
            guard keep > 0 else { return }
            let d = headDimension
            for (present, past) in zip(buffers[1], buffers[0]) {
                for (source, destination) in [(present.key, past.key), (present.value, past.value)] {
                    try StridedCopy.encode(
                        encoder,
                        from: GPUValue(buffer: source, spec: TensorSpec(.float32, dims(presentLength))),
                        to: GPUValue(buffer: destination, spec: TensorSpec(.float32, dims(pastLength))),
                        dims: [rows * heads, keep * d], sourceStrides: [presentLength * d, 1], destinationStrides: [pastLength * d, 1],
                        sourceBase: (presentLength - keep) * d, destinationBase: (pastLength - keep) * d)
                }
            }
        }
    }
}
