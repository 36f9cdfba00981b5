import GPUCore

/// A second session over the same model and GPU context that records the fixed-window decode step
/// once and replays it (graph capture): every decode step binds the same buffers with the same
/// shapes, so only the first one pays for planning and recording.
enum DecodeCapture {
    /// The decode session for `rows` rows and a window of `window` positions.
    static func session(for session: InferenceSession, context: GPUContext, rows: Int, window: Int) throws -> InferenceSession {
        var options = session.options
        options.context = context
        options.enableGraphCapture = true
        options.graphOptimization = false   // session.model is already optimised
        options.preferredOutputLocation = .gpuBuffer
        options.freeDimensionOverrides = symbols(session.model.graph, rows: rows, window: window)
        return try InferenceSession(model: session.model, options: options)
    }

    /// Sizes of the symbolic dims of a decode step's feeds (batch, sequence, past and total length).
    static func symbols(_ graph: Graph, rows: Int, window: Int) -> [String: Int] {
        var sizes: [String: Int] = [:]
        func bind(_ name: String, _ values: [Int?]) {
            guard let shape = graph.inputs.first(where: { $0.name == name })?.shape else { return }
            for (dim, value) in zip(shape, values) {
                if case .symbolic(let symbol) = dim, let value { sizes[symbol] = value }
            }
        }
        bind("input_ids", [rows, 1])
        bind("position_ids", [rows, 1])
        bind("attention_mask", [rows, window])
        for input in graph.inputs where input.name.hasPrefix("past_key_values.") {
            bind(input.name, [rows, nil, window - 1, nil])
        }
        return sizes
    }
}
