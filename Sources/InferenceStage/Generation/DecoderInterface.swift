import GPUCore

/// What the generation loop needs to know about a decoder-only model with a KV cache (GPT-2 as
/// exported by scripts/gpt2_onnx_export.py), read from the model's declared inputs and outputs.
public struct DecoderInterface: Sendable, Equatable {
    public let layers: Int
    public let heads: Int
    public let headDimension: Int
    public let vocabularySize: Int
    /// Positions the model has embeddings for (the table that position_ids index), when found.
    public let maxPositions: Int?

    public static func pastKey(_ layer: Int) -> String { "past_key_values.\(layer).key" }
    public static func pastValue(_ layer: Int) -> String { "past_key_values.\(layer).value" }
    public static func presentKey(_ layer: Int) -> String { "present.\(layer).key" }
    public static func presentValue(_ layer: Int) -> String { "present.\(layer).value" }

    public init(layers: Int, heads: Int, headDimension: Int, vocabularySize: Int, maxPositions: Int?) {
        self.layers = layers
        self.heads = heads
        self.headDimension = headDimension
        self.vocabularySize = vocabularySize
        self.maxPositions = maxPositions
    }

    /// Reads the interface from the model's inputs and outputs; a missing or mistyped one is a
    /// `GenerationError.modelInterface` naming it.
    public init(model: OnnxModel) throws(GenerationError) {
        let inputs = Dictionary(model.graph.inputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let outputs = Dictionary(model.graph.outputs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in ["input_ids", "attention_mask", "position_ids"] {
            guard let input = inputs[name] else { throw .modelInterface("input '\(name)' is missing (inputs: \(model.graph.inputs.map(\.name).joined(separator: ", ")))") }
            guard input.dataType == .int64 else { throw .modelInterface("input '\(name)' must be int64, it is \(input.dataType.map { "\($0)" } ?? "untyped")") }
        }
        var layers = 0
        while inputs[Self.pastKey(layers)] != nil { layers += 1 }
        guard layers > 0 else { throw .modelInterface("no '\(Self.pastKey(0))' input: the model has no KV cache inputs") }
        guard let past = inputs[Self.pastKey(0)], past.dataType == .float32, let shape = past.shape, shape.count == 4,
              case .fixed(let heads) = shape[1], case .fixed(let headDimension) = shape[3], heads > 0, headDimension > 0 else {
            throw .modelInterface("'\(Self.pastKey(0))' must be float32 [batch, heads, past_sequence, head_size] with fixed heads and head_size")
        }
        for layer in 0..<layers {
            for name in [Self.pastKey(layer), Self.pastValue(layer)] {
                guard let input = inputs[name], input.dataType == .float32, input.shape?.count == 4 else {
                    throw .modelInterface("input '\(name)' is missing or not a float32 rank-4 tensor")
                }
            }
            for name in [Self.presentKey(layer), Self.presentValue(layer)] where outputs[name] == nil {
                throw .modelInterface("output '\(name)' is missing (outputs: \(model.graph.outputs.map(\.name).joined(separator: ", ")))")
            }
        }
        guard let logits = outputs["logits"] else { throw .modelInterface("output 'logits' is missing") }
        guard logits.dataType == .float32, let logitsShape = logits.shape, logitsShape.count == 3,
              case .fixed(let vocabularySize) = logitsShape[2], vocabularySize > 0 else {
            throw .modelInterface("output 'logits' must be float32 [batch, sequence, vocabulary] with a fixed vocabulary size")
        }
        self.layers = layers
        self.heads = heads
        self.headDimension = headDimension
        self.vocabularySize = vocabularySize
        maxPositions = Self.positionTableSize(model.graph)
    }

    /// Rows of the embedding table that a Gather indexes with position_ids (GPT-2's wpe).
    static func positionTableSize(_ graph: Graph) -> Int? {
        for node in graph.nodes where node.opType == "Gather" && node.inputs.count == 2 && node.inputs[1] == "position_ids" {
            if let table = graph.initializers[node.inputs[0]], table.dims.count == 2 { return table.dims[0] }
        }
        return nil
    }
}
