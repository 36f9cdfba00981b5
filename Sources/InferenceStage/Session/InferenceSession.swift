import Foundation
import GPUCore
import Logging

/// Runs an ONNX model with ONNX Runtime's session semantics on Vulkan (see
/// `docs/ARCHITECTURE.md`): feeds may be CPU tensors or `Tensor.fromGpuBuffer` tensors (never
/// freed by the session); fetches may be pre-allocated GPU tensors that receive outputs in place;
/// `preferredOutputLocation` keeps outputs on the GPU; graph capture replays one recorded stream.
public final class InferenceSession: @unchecked Sendable {
    public let model: OnnxModel
    public let options: SessionOptions
    /// The GPU context (nil when the session runs on the CPU provider only).
    public let context: GPUContext?
    let compiled: CompiledGraph
    let logger = Logger(label: "sluice.session")

    private let plans = Locked<[[TensorSpec]: ExecutionPlan]>([:])
    private let freeArenas = Locked<[Int: [PlanArena]]>([:])
    let constants = ConstantBuffers()
    let captures = Locked<[CaptureKey: CapturedRun]>([:])
    let trace = Locked<[TraceEvent]>([])
    private let runCounter = Locked(0)

    /// Inputs a caller must feed, in model order.
    public var inputs: [ValueInfo] { compiled.requiredInputs }
    public var inputNames: [String] { compiled.requiredInputs.map(\.name) }
    public var outputs: [ValueInfo] { model.graph.outputs }
    public var outputNames: [String] { model.graph.outputs.map(\.name) }

    public convenience init(modelPath: String, options: SessionOptions = SessionOptions()) throws {
        try self.init(model: try ModelLoader.load(path: modelPath, limits: options.loaderLimits), options: options)
    }

    public init(model: OnnxModel, options: SessionOptions = SessionOptions()) throws {
        var model = model
        // Before IR version 4 every initializer had to be listed as a graph input, so the listing
        // does not make it an overridable default (onnxruntime treats them as constants too).
        // Keeping them as inputs hid every weight of onnx's opset-9 model zoo from constant
        // folding and Conv+BatchNormalization fusion.
        if (1..<4).contains(model.irVersion) {
            model.graph.inputs.removeAll { model.graph.initializers[$0.name] != nil }
        }
        if options.graphOptimization {
            model.graph = try GraphOptimizer.optimize(model.graph, opsetImports: model.opsetImports)
        }
        self.model = model
        self.options = options
        compiled = try CompiledGraph(graph: model.graph, opsetImports: model.opsetImports)
        if options.executionProviders.contains(.vulkan) {
            do {
                context = try options.context ?? GPUContext(selection: options.deviceSelection)
            } catch {
                guard options.executionProviders.contains(.cpu) else { throw error }
                logger.warning("no Vulkan device (\(error.localizedDescription)); running on the CPU provider")
                context = nil
            }
        } else {
            context = nil
        }
        if options.enableGraphCapture && context == nil {
            throw InferenceError.graphCapture("it needs the vulkan execution provider and a GPU device")
        }
    }

    // MARK: - Running

    /// Runs the model. `fetches` holds pre-allocated GPU tensors for outputs that should be
    /// written in place; `outputNames` limits what is returned (default: every output).
    public func run(feeds: [String: Tensor], fetches: [String: Tensor] = [:], outputNames: [String]? = nil) async throws -> [String: Tensor] {
        try await withCheckedThrowingContinuation { continuation in
            // The worker holds the session only weakly (the awaiting caller keeps it alive), so the
            // last reference is never dropped on a background thread after the caller resumed —
            // where a GPU context's teardown could race the process's exit.
            DispatchQueue.global().async { [weak self] in
                let outcome: Result<[String: Tensor], any Error> = {
                    guard let self else { return .failure(CancellationError()) }
                    return Result { try self.runSynchronously(feeds: feeds, fetches: fetches, outputNames: outputNames) }
                }()
                continuation.resume(with: outcome)
            }
        }
    }

    /// `run` for callers outside Swift concurrency (blocks the calling thread while the GPU works).
    public func runSynchronously(feeds: [String: Tensor], fetches: [String: Tensor] = [:], outputNames requested: [String]? = nil) throws -> [String: Tensor] {
        let specs = try validate(feeds: feeds)
        let plan = try plan(for: specs)
        let names = requested ?? outputNames
        for name in names where !self.outputNames.contains(name) {
            throw InferenceError.unknownOutput(name: name, outputs: self.outputNames)
        }
        let fetchBuffers = try validate(fetches: fetches, plan: plan)
        if options.enableGraphCapture {
            return try runCaptured(plan: plan, feeds: feeds, fetches: fetches, fetchBuffers: fetchBuffers, names: names)
        }
        var locations: [String: OutputLocation] = [:]
        for name in self.outputNames { locations[name] = fetchBuffers[name] != nil ? .gpuBuffer : options.location(of: name) }
        let arena = takeArena(plan)
        defer { returnArena(arena, plan: plan) }
        let runner = PlanRunner(plan: plan, context: context, arena: arena, constants: context == nil ? nil : constants,
                                profile: options.enableProfiling)
        try runner.bind(feeds: feeds, outputBuffers: fetchBuffers)
        let results = try runner.run(locations: locations)
        recordProfile(runner.profiles)
        return try tensors(from: results, names: names, fetches: fetches)
    }

    func tensors(from results: [String: PlanRunner.RunOutput], names: [String], fetches: [String: Tensor]) throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names {
            guard let result = results[name] else { continue }
            switch result {
            case .cpu(let data):
                out[name] = Tensor(data)
            case let .gpu(buffer, spec):
                if let fetch = fetches[name] { out[name] = fetch } else {
                    out[name] = try Tensor.owning(buffer, dataType: spec.dataType, dims: spec.dims)
                }
            }
        }
        return out
    }

    /// The plan for these input specs, made on first use.
    func plan(for specs: [String: TensorSpec]) throws -> ExecutionPlan {
        let key = compiled.graph.inputs.compactMap { specs[$0.name] }
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = try ExecutionPlan(graph: compiled, inputSpecs: specs, useGPU: context != nil,
                                     device: context?.capabilities, logger: logger)
        plans.withLock { $0[key] = plan }
        logger.debug("planned \(plan.steps.count) steps (\(plan.steps.filter { $0.placement == .gpu }.count) on the GPU) for \(key)")
        return plan
    }

    private func takeArena(_ plan: ExecutionPlan) -> PlanArena {
        freeArenas.withLock { table in
            if var list = table[plan.id], let arena = list.popLast() { table[plan.id] = list; return arena }
            return PlanArena(sizes: plan.slotSizes)
        }
    }

    private func returnArena(_ arena: PlanArena, plan: ExecutionPlan) {
        freeArenas.withLock { $0[plan.id, default: []].append(arena) }
    }

    // MARK: - Validation

    /// Checks feeds against the model's inputs; returns the concrete spec of every fed input.
    func validate(feeds: [String: Tensor]) throws -> [String: TensorSpec] {
        let known = Set(compiled.graph.inputs.map(\.name))
        for name in feeds.keys where !known.contains(name) {
            throw InferenceError.unknownFeed(name: name, inputs: inputNames)
        }
        var symbols = options.freeDimensionOverrides
        var specs: [String: TensorSpec] = [:]
        for input in compiled.graph.inputs {
            guard let tensor = feeds[input.name] else {
                if compiled.overridableInputs.contains(input.name) { continue }
                throw InferenceError.missingFeed(name: input.name)
            }
            if tensor.isDisposed { throw InferenceError.disposedFeed(name: input.name) }
            if let expected = input.dataType, expected != tensor.dataType {
                throw InferenceError.feedType(name: input.name, expected: expected, given: tensor.dataType)
            }
            if let shape = input.shape {
                let expectedText = "[\(shape.map(\.description).joined(separator: ", "))]"
                guard shape.count == tensor.dims.count else {
                    throw InferenceError.feedShape(name: input.name, expected: expectedText, given: tensor.dims)
                }
                for (dim, size) in zip(shape, tensor.dims) {
                    switch dim {
                    case .fixed(let n) where n != size:
                        throw InferenceError.feedShape(name: input.name, expected: expectedText, given: tensor.dims)
                    case .symbolic(let symbol):
                        if let bound = symbols[symbol], bound != size {
                            throw InferenceError.feedShape(name: input.name, expected: expectedText + " with \(symbol) = \(bound)", given: tensor.dims)
                        }
                        symbols[symbol] = size
                    default: break
                    }
                }
            }
            specs[input.name] = TensorSpec(tensor.dataType, tensor.dims)
        }
        return specs
    }

    func validate(fetches: [String: Tensor], plan: ExecutionPlan) throws -> [String: GPUBuffer] {
        var buffers: [String: GPUBuffer] = [:]
        for (name, tensor) in fetches {
            guard let value = plan.value(named: name), outputNames.contains(name) else {
                throw InferenceError.unknownOutput(name: name, outputs: outputNames)
            }
            let given = TensorSpec(tensor.dataType, tensor.dims)
            guard given == value.spec else { throw InferenceError.fetchMismatch(name: name, expected: value.spec, given: given) }
            if value.spec.isZeroSized { continue }
            guard tensor.location == .gpuBuffer else { throw InferenceError.fetchNotGPU(name: name) }
            buffers[name] = try tensor.gpuBuffer()
        }
        return buffers
    }

    // MARK: - Introspection

    /// Where each node runs for these input dims (for `sluice inspect`): GPU, CPU (with reason),
    /// alias (no work), or folded when planning.
    public func placements(inputDims: [String: [Int]]) throws -> [(node: String, opType: String, placement: String)] {
        var specs: [String: TensorSpec] = [:]
        for input in compiled.graph.inputs {
            guard let dims = inputDims[input.name], let type = input.dataType else { continue }
            specs[input.name] = TensorSpec(type, dims)
        }
        let plan = try plan(for: specs)
        let reasons = Dictionary(plan.fallbacks.map { ($0.node, $0.reason) }, uniquingKeysWith: { a, _ in a })
        let planned = Dictionary(plan.steps.map { ($0.node.node.label, $0.placement) }, uniquingKeysWith: { a, _ in a })
        return compiled.nodes.map { compiledNode in
            let label = compiledNode.node.label
            let placement: String
            switch planned[label] {
            case .gpu?: placement = "gpu"
            case .alias?: placement = "alias"
            case .cpu?: placement = "cpu" + (reasons[label].map { " (\($0))" } ?? "")
            case nil: placement = "folded"
            }
            return (label, compiledNode.node.opType, placement)
        }
    }

    var runCount: Int { runCounter.current }
}
