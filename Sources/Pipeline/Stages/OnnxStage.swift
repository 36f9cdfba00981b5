import Foundation
import GPUCore
import InferenceStage
import IOStages

/// `onnx`: runs a model on each batch. The batch tensor from the GPU stage before is bound as the
/// model input with `Tensor.fromGpuBuffer` (no host round trip) and the output stays on the GPU.
public struct OnnxStage: Stage {
    public struct Options: StageOptions, Equatable {
        public var model: String
        /// Model input to feed (default: its only input).
        public var input: String?
        /// Model output to pass on (default: its first output).
        public var output: String?
        public var provider: String?

        public static var schema: JSONSchemaNode {
            .object("An ONNX model run on the GPU.", [
                .init("model", .path("The .onnx file, relative to the pipeline file."), required: true),
                .init("input", .string("Model input that receives the batch (default: the only input).")),
                .init("output", .string("Model output passed downstream (default: the first output).")),
                .init("provider", .oneOfStrings(["vulkan", "cpu"], "Where nodes run (vulkan falls back to the CPU per node).", default: "vulkan")),
            ])
        }
    }

    public static let typeName = "onnx"
    public static let summary = "Runs an ONNX model on batched GPU tensors; outputs stay on the GPU."
    public static let inputPorts = [PortSpec("tensor", kind: "tensor", description: "Model input, one slot per item.")]
    public static let outputPorts = [PortSpec("tensor", kind: "tensor", description: "The model output, one slot per item.")]

    /// Loads the model (no GPU work) and checks its input against what the stage before produces.
    public static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] {
        let url = context.paths.resolve(options.model)
        let model: OnnxModel
        do { model = try ModelLoader.load(path: url.path) } catch {
            return [StageIssue(path: ["options", "model"], error.localizedDescription)]
        }
        let inputs = model.graph.inputs.filter { model.graph.initializers[$0.name] == nil }
        guard let input = options.input.flatMap({ name in inputs.first { $0.name == name } }) ?? (options.input == nil && inputs.count == 1 ? inputs.first : nil) else {
            return [StageIssue(path: ["options", "input"], options.input.map { "the model has no input named \"\($0)\"" } ?? "the model has \(inputs.count) inputs; name one",
                               hint: "inputs: \(inputs.map(\.name).joined(separator: ", "))")]
        }
        if let output = options.output, !model.graph.outputs.contains(where: { $0.name == output }) {
            return [StageIssue(path: ["options", "output"], "the model has no output named \"\(output)\"",
                               hint: "outputs: \(model.graph.outputs.map(\.name).joined(separator: ", "))")]
        }
        guard let upstream = context.inputs["tensor"]?.options as? PreprocessOptions, let shape = input.shape else { return [] }
        var issues: [StageIssue] = []
        if let type = input.dataType, type != upstream.dataType {
            issues.append(StageIssue(path: ["inputs", "tensor"], "model input \"\(input.name)\" is \(type) but \(context.inputs["tensor"]!.stageName) produces \(upstream.dataType)",
                                     hint: "set dataType \"\(type)\" in the preprocess options"))
        }
        let expected = upstream.imageDims
        let itemShape = Array(shape.dropFirst())
        if itemShape.count != expected.count || zip(itemShape, expected).contains(where: { if case .fixed(let n) = $0.0 { return n != $0.1 } else { return false } }) {
            issues.append(StageIssue(path: ["inputs", "tensor"], "model input \"\(input.name)\" has shape [\(shape.map(\.description).joined(separator: ", "))] but \(context.inputs["tensor"]!.stageName) produces [batch, \(expected.map(String.init).joined(separator: ", "))]",
                                     hint: "match width, height and layout in the preprocess options to the model"))
        }
        return issues
    }

    let session: InferenceSession
    let inputName: String
    let outputName: String
    /// A fixed batch size the model demands (its first input dim), if any.
    let fixedBatch: Int?

    public init(options: Options, context: StageContext) throws {
        let providers: [ExecutionProvider] = options.provider == "cpu" ? [.cpu] : [.vulkan, .cpu]
        let gpuContext = providers.contains(.vulkan) ? try context.gpu.context() : nil
        session = try InferenceSession(modelPath: context.paths.resolve(options.model).path,
                                       options: SessionOptions(executionProviders: providers, preferredOutputLocation: .gpuBuffer, context: gpuContext))
        guard let input = options.input ?? (session.inputNames.count == 1 ? session.inputNames.first : nil) else {
            throw PipelineError.stageFailed(stage: context.stageName, message: "the model has several inputs; set options.input")
        }
        inputName = input
        outputName = options.output ?? session.outputNames[0]
        if case .fixed(let n)? = session.inputs.first(where: { $0.name == input })?.shape?.first { fixedBatch = n } else { fixedBatch = nil }
    }

    public func process(_ batch: [StageInput]) async throws -> [StageResult] {
        let slots = try batch.map { try $0.value(as: TensorSlot.self) }
        guard let context = session.context else {
            throw PipelineError.stageFailed(stage: Self.typeName, message: "the onnx stage needs a GPU context for GPU tensors")
        }
        // Models with a fixed batch size run in chunks of that size.
        let chunk = fixedBatch ?? slots.count
        guard chunk > 0, slots.count % chunk == 0 || chunk == 1 else {
            throw PipelineError.stageFailed(stage: Self.typeName, message: "the model needs batches of \(chunk); set the pipeline's batchSize to a multiple of it")
        }
        var results: [StageResult] = []
        for start in stride(from: 0, to: slots.count, by: chunk) {
            let part = Array(slots[start..<min(start + chunk, slots.count)])
            let buffer = try await TensorSlot.contiguous(part, context: context)
            let first = part[0].batch
            let feed = try Tensor.fromGpuBuffer(buffer, dataType: first.dataType, dims: [part.count] + first.itemDims)
            let outputs = try await session.run(feeds: [inputName: feed], outputNames: [outputName])
            guard let output = outputs[outputName] else { throw PipelineError.stageFailed(stage: Self.typeName, message: "no output \(outputName)") }
            let out = GPUBatch(buffer: try output.gpuBuffer(), dataType: output.dataType, itemDims: Array(output.dims.dropFirst()),
                               count: part.count, owner: output)
            results += part.indices.map { .value(TensorSlot(batch: out, slot: $0)) }
        }
        return results
    }
}
