import GPUCore

/// Chooses next tokens on the GPU (`sample.comp`): logits never leave the device, only the chosen
/// ids (4 bytes per row) are read back. Keeps each row's token history as per-token counts in a
/// GPU buffer for the repetition penalty. Not thread-safe: one generation loop drives it.
public final class TokenSampler: @unchecked Sendable {
    /// Invocations per row; also the number of chunks the draw sums (the CPU reference mirrors it).
    public static let workgroupSize = 256

    public let context: GPUContext
    public let rows: Int
    public let vocabularySize: Int
    public let options: SamplingOptions
    /// uint32 [rows, vocabulary]: how often each token occurred in the row's prompt and output.
    let counts: GPUBuffer
    /// float32 [rows, vocabulary]: the adjusted logits between the shader's passes.
    let work: GPUBuffer
    /// uint32 [rows]: the ids chosen by the last recorded step.
    public let tokens: GPUBuffer
    /// int64 [rows]: the same ids, as the next step's input_ids when no other buffer is given.
    let defaultNextIds: GPUBuffer
    let kernel: ComputeKernel

    public init(context: GPUContext, rows: Int, vocabularySize: Int, options: SamplingOptions) throws {
        try options.validate()
        guard rows > 0, rows <= 65_535 else { throw GenerationError.invalidRequest("batch of \(rows) rows; the sampler handles 1 to 65,535") }
        guard vocabularySize > 0, vocabularySize < Int(Int32.max) else {
            throw GenerationError.modelInterface("vocabulary of \(vocabularySize) tokens")
        }
        guard let cells = ShapeMath.byteCount([rows, vocabularySize], .float32) else {
            throw GenerationError.invalidRequest("\(rows) rows × \(vocabularySize) tokens overflows")
        }
        self.context = context
        self.rows = rows
        self.vocabularySize = vocabularySize
        self.options = options
        counts = try context.makeBuffer(size: cells, label: "sampler history")
        work = try context.makeBuffer(size: cells, label: "sampler logits")
        tokens = try context.makeBuffer(size: rows * 4, label: "sampled ids")
        defaultNextIds = try context.makeBuffer(size: rows * 8, label: "sampled ids int64")
        kernel = try context.shaders.kernel(try OpShaders.source("sample.comp"),
                                            variant: KernelVariant(defines: ["WG": "\(Self.workgroupSize)"]),
                                            bindings: 5, pushConstantBytes: 128)
        let stream = try CommandStream(context: context, label: "sampler reset")
        try stream.zero(counts)
        try stream.run()
    }

    /// Replaces the token history with `histories[row]` (ids outside the vocabulary are ignored;
    /// pass the prompts without padding). One upload.
    public func setHistory(_ histories: [[Int]]) throws {
        guard histories.count == rows else {
            throw GenerationError.invalidRequest("\(histories.count) histories for a sampler of \(rows) rows")
        }
        guard options.repetitionPenalty != 1 else { return }   // the shader never reads them
        var table = [UInt32](repeating: 0, count: rows * vocabularySize)
        for (row, ids) in histories.enumerated() {
            for id in ids where id >= 0 && id < vocabularySize { table[row * vocabularySize + id] += 1 }
        }
        try table.withUnsafeBytes { try context.upload($0, to: counts) }
    }

    /// Records the choice of each row's next token from `logits` (float32 [rows, sequence, vocab],
    /// the last position is used) into `stream`: ids land in `tokens` (uint32) and `nextIds`
    /// (int64 [rows], the next step's input_ids; nil: an internal buffer).
    public func record(into stream: CommandStream, logits: GPUBuffer, sequenceLength: Int, step: Int,
                       nextIds: GPUBuffer? = nil) throws {
        guard sequenceLength > 0 else { throw GenerationError.invalidRequest("logits with no positions") }
        guard let logitsBytes = ShapeMath.byteCount([rows, sequenceLength, vocabularySize], .float32), logitsBytes <= logits.size,
              rows * sequenceLength * vocabularySize <= Int(UInt32.max) else {
            throw GPUError.bufferTooSmall(what: "sampler logits [\(rows), \(sequenceLength), \(vocabularySize)]",
                                          needed: rows * sequenceLength * vocabularySize * 4, size: logits.size)
        }
        let ids = nextIds ?? defaultNextIds
        guard ids.size >= rows * 8 else { throw GPUError.bufferTooSmall(what: "sampler next input_ids", needed: rows * 8, size: ids.size) }
        var push = PushConstants()
        push.append(UInt32(vocabularySize))
        push.append(UInt32(sequenceLength * vocabularySize))
        push.append(UInt32((sequenceLength - 1) * vocabularySize))
        push.append(UInt32(rows))
        push.append(options.isGreedy ? Float(1) : 1 / options.temperature)
        push.append(UInt32(options.topK))
        push.append(options.topP)
        push.append(options.repetitionPenalty)
        push.append(UInt32(options.isGreedy ? 1 : 0))
        push.append(UInt32(truncatingIfNeeded: options.seed))
        push.append(UInt32(truncatingIfNeeded: options.seed >> 32))
        push.append(UInt32(truncatingIfNeeded: step))
        push.append(UInt32(options.repetitionPenalty != 1 ? 1 : 0))
        try stream.dispatch(kernel, [.read(logits, range: logitsBytes), .readWrite(counts), .readWrite(work),
                                     .write(tokens), .write(ids, range: rows * 8)],
                            push: push, groups: (rows, 1, 1), label: "sample")
    }

    /// Chooses the next token of every row from a GPU logits tensor ([rows, vocab] or
    /// [rows, sequence, vocab], float32) and reads back only the ids.
    public func sample(logits: Tensor, step: Int) throws -> [Int] {
        guard logits.dataType == .float32, logits.dims.count == 2 || logits.dims.count == 3,
              logits.dims.first == rows, logits.dims.last == vocabularySize else {
            throw GenerationError.invalidRequest("sampler logits must be float32 [\(rows), (sequence,) \(vocabularySize)], got \(logits.dataType) \(logits.dims)")
        }
        let stream = try CommandStream(context: context, label: "sample")
        try record(into: stream, logits: try logits.gpuBuffer(), sequenceLength: logits.dims.count == 3 ? logits.dims[1] : 1, step: step)
        let pending = try stream.download(tokens, bytes: rows * 4)
        try stream.run()
        return Self.ids(from: try pending.bytes())
    }

    static func ids(from bytes: [UInt8]) -> [Int] {
        var ids: [Int] = []
        ids.reserveCapacity(bytes.count / 4)
        var index = 0
        while index + 4 <= bytes.count {
            var value: UInt32 = 0
            for k in 0..<4 { value |= UInt32(bytes[index + k]) << UInt32(8 * k) }
            ids.append(Int(value))
            index += 4
        }
        return ids
    }
}
