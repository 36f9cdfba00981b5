import Foundation
import GPUCore

/// Autoregressive generation with a decoder-only ONNX model whose KV cache stays on the GPU:
/// the prompt batch (left-padded, masked) runs in one prefill, then one token per step. Each step
/// binds the cache as `Tensor.fromGpuBuffer` pasts and pre-allocated present fetches (`KVCache`),
/// keeps the logits in a pre-allocated GPU fetch, chooses tokens with `TokenSampler` on the GPU,
/// writes the next input_ids / attention_mask / position_ids on the GPU, and reads back only the
/// chosen ids (one download of 4 bytes per row per step, no upload).
public final class Generator: @unchecked Sendable {
    public let session: InferenceSession
    public let interface: DecoderInterface
    public let context: GPUContext
    let feedsKernel: ComputeKernel

    public init(session: InferenceSession) throws {
        guard let context = session.context else {
            throw GenerationError.needsGPU("the session has no Vulkan device (use the vulkan execution provider)")
        }
        self.session = session
        self.context = context
        interface = try DecoderInterface(model: session.model)
        feedsKernel = try context.shaders.kernel(try OpShaders.source("generation_feeds.comp"), bindings: 3, pushConstantBytes: 12)
    }

    /// Generates up to `config.maxNewTokens` tokens for each prompt (token ids). `onStep` sees every
    /// step's tokens as they come (for streaming) and returns rows to stop now (stop strings).
    public func generate(prompts: [[Int]], config: GenerationConfig,
                         onStep: (GenerationStep) throws -> Set<Int> = { _ in [] }) throws -> GenerationOutput {
        try validate(prompts: prompts, config: config)
        let rows = prompts.count
        let promptLength = prompts.map(\.count).max() ?? 0
        let vocabulary = interface.vocabularySize
        let pads = prompts.map { promptLength - $0.count }
        // The last generated token is never fed back, so the cache needs maxNewTokens - 1 more places.
        let capacity = promptLength + config.maxNewTokens - 1

        let cache = try KVCache(context: context, interface: interface, rows: rows, capacity: capacity,
                                layout: config.staticDecodeShapes ? .fixedWindow(capacity) : .growing)
        let logits = try context.makeBuffer(size: rows * promptLength * vocabulary * 4, label: "logits")
        let nextIds = try context.makeBuffer(size: rows * 8, label: "next input_ids")
        let mask = try context.makeBuffer(size: rows * (capacity + 1) * 8, label: "next attention_mask")
        let positions = try context.makeBuffer(size: rows * 8, label: "next position_ids")
        let padBuffer = try context.makeBuffer(bytes: pads.flatMap { le32(UInt32($0)) }, label: "row padding")
        let sampler = try TokenSampler(context: context, rows: rows, vocabularySize: vocabulary, options: config.sampling)
        try sampler.setHistory(prompts)

        var sequences = prompts.map { GeneratedSequence(promptTokens: $0, tokens: [], finishReason: .length) }
        var active = Set(0..<rows)
        let start = Date()

        // Prefill: the whole padded prompt batch in one run, pasts of length 0.
        let pad = config.padTokenID ?? config.eosTokenID ?? 0
        var ids: [Int64] = [], maskValues: [Int64] = [], positionValues: [Int64] = []
        for (row, prompt) in prompts.enumerated() {
            ids += Array(repeating: Int64(pad), count: pads[row]) + prompt.map(Int64.init)
            maskValues += Array(repeating: 0, count: pads[row]) + Array(repeating: 1, count: prompt.count)
            positionValues += Array(repeating: 0, count: pads[row]) + (0..<prompt.count).map(Int64.init)
        }
        var feeds = try cache.pastFeeds(length: 0)
        feeds["input_ids"] = try Tensor(ids, dims: [rows, promptLength])
        feeds["attention_mask"] = try Tensor(maskValues, dims: [rows, promptLength])
        feeds["position_ids"] = try Tensor(positionValues, dims: [rows, promptLength])
        let buffers = StepBuffers(logits: logits, nextIds: nextIds, mask: mask, positions: positions, pads: padBuffer)
        var tokens = try step(session: session, feeds: feeds, cache: cache, presentLength: promptLength, sequenceLength: promptLength,
                              sampler: sampler, index: 0, buffers: buffers, promptLength: promptLength)
        let prefillSeconds = Date().timeIntervalSince(start)
        let decodeStart = Date()
        // Capture records on the first decode step of a session made for this batch and window.
        let decodeSession = config.captureDecode && config.maxNewTokens > 1
            ? try DecodeCapture.session(for: session, context: context, rows: rows, window: capacity) : session
        var decodeSteps = 0

        for index in 0..<config.maxNewTokens {
            if index > 0 {
                // Decode: one token per row; everything it reads was written on the GPU.
                let past = config.staticDecodeShapes ? capacity - 1 : promptLength + index - 1
                var feeds = try cache.pastFeeds(length: past)
                feeds["input_ids"] = try Tensor.fromGpuBuffer(nextIds, dataType: .int64, dims: [rows, 1])
                feeds["attention_mask"] = try Tensor.fromGpuBuffer(mask, dataType: .int64, dims: [rows, past + 1])
                feeds["position_ids"] = try Tensor.fromGpuBuffer(positions, dataType: .int64, dims: [rows, 1])
                tokens = try step(session: decodeSession, feeds: feeds, cache: cache, presentLength: past + 1, sequenceLength: 1,
                                  sampler: sampler, index: index, buffers: buffers, promptLength: promptLength)
                decodeSteps += 1
            }
            var produced = [Int?](repeating: nil, count: rows)
            var finishing = Set<Int>()
            for row in active.sorted() {
                let token = tokens[row]
                produced[row] = token
                if token == config.eosTokenID {
                    sequences[row].finishReason = .eos
                    finishing.insert(row)
                } else {
                    sequences[row].tokens.append(token)
                    if sequences[row].tokens.count >= config.maxNewTokens { finishing.insert(row) }
                }
            }
            active.subtract(finishing)
            let stopped = try onStep(GenerationStep(index: index, tokens: produced, finishing: finishing))
            for row in stopped where active.contains(row) {
                sequences[row].finishReason = .stop
                active.remove(row)
            }
            if active.isEmpty { break }
        }
        var output = GenerationOutput(sequences: sequences, prefillSeconds: prefillSeconds,
                                      decodeSeconds: decodeSteps > 0 ? Date().timeIntervalSince(decodeStart) : 0,
                                      decodeSteps: decodeSteps)
        if decodeSession !== session { output.capturedReplays = decodeSession.capturedStreams.reduce(0) { $0 + $1.replays } }
        return output
    }

    struct StepBuffers {
        let logits: GPUBuffer, nextIds: GPUBuffer, mask: GPUBuffer, positions: GPUBuffer, pads: GPUBuffer
    }

    /// One model run writing presents into the cache, then one GPU stream that moves the cache on,
    /// picks the tokens, writes the next step's feeds and downloads the ids.
    private func step(session: InferenceSession, feeds: [String: Tensor], cache: KVCache, presentLength: Int, sequenceLength: Int,
                      sampler: TokenSampler, index: Int, buffers: StepBuffers, promptLength: Int) throws -> [Int] {
        let rows = sampler.rows
        var fetches = try cache.presentFetches(length: presentLength)
        fetches["logits"] = try Tensor.fromGpuBuffer(buffers.logits, dataType: .float32, dims: [rows, sequenceLength, interface.vocabularySize])
        _ = try session.runSynchronously(feeds: feeds, fetches: fetches)

        let stream = try CommandStream(context: context, label: "generation step \(index)")
        let encoder = KernelEncoder(context: context, stream: stream)
        try cache.advance(presentLength: presentLength, encoder: encoder)
        try sampler.record(into: stream, logits: buffers.logits, sequenceLength: sequenceLength, step: index, nextIds: buffers.nextIds)
        // The next step's mask: the whole window with its unfilled left part masked (fixed layout),
        // or one column more than this step's presents (growing layout).
        let total: Int, shift: Int
        switch cache.layout {
        case .fixedWindow(let window):
            total = window
            shift = max(0, window - promptLength - (index + 1))
        case .growing:
            total = presentLength + 1
            shift = 0
        }
        var push = PushConstants()
        push.append(UInt32(rows))
        push.append(UInt32(total))
        push.append(UInt32(shift))
        try stream.dispatch(feedsKernel, [.read(buffers.pads), .write(buffers.mask, range: rows * total * 8), .write(buffers.positions)],
                            push: push, groups: ((rows * total + 255) / 256, 1, 1), label: "generation feeds")
        let download = try stream.download(sampler.tokens, bytes: rows * 4)
        try stream.run()
        return TokenSampler.ids(from: try download.bytes())
    }

    private func validate(prompts: [[Int]], config: GenerationConfig) throws {
        try config.sampling.validate()
        guard !prompts.isEmpty else { throw GenerationError.invalidRequest("no prompts") }
        guard !config.captureDecode || config.staticDecodeShapes else {
            throw GenerationError.invalidRequest("captureDecode needs staticDecodeShapes (captured steps must have the same shapes)")
        }
        guard config.maxNewTokens >= 1 else {
            throw GenerationError.invalidRequest("maxNewTokens must be at least 1, got \(config.maxNewTokens)")
        }
        for (row, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw GenerationError.emptyPrompt(row: row) }
            if let bad = prompt.first(where: { $0 < 0 || $0 >= interface.vocabularySize }) {
                throw GenerationError.tokenOutOfRange(row: row, token: bad, vocabulary: interface.vocabularySize)
            }
            if let limit = interface.maxPositions, prompt.count + config.maxNewTokens - 1 > limit {
                throw GenerationError.promptTooLong(row: row, tokens: prompt.count, limit: limit)
            }
        }
        let width = prompts.map(\.count).max() ?? 0
        guard width + config.maxNewTokens <= Int(UInt32.max / 8) else {
            throw GenerationError.invalidRequest("prompt of \(width) tokens plus \(config.maxNewTokens) new tokens is too long")
        }
    }
}

private func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
