import Foundation
import GPUCore
import IOStages

/// One item's classification: the k best classes with their scores.
public struct Classification: Sendable, RecordConvertible {
    public let top: [(index: Int, label: String?, score: Float)]

    public var recordFields: JSONObject {
        var object = JSONObject()
        if let best = top.first {
            object["label"] = best.label.map(JSONValue.string) ?? .number(Double(best.index))
            object["score"] = .number(Double(best.score))
        }
        object["top"] = .array(top.map { entry in
            var e = JSONObject()
            e["index"] = .number(Double(entry.index))
            if let label = entry.label { e["label"] = .string(label) }
            e["score"] = .number((Double(entry.score) * 1e6).rounded() / 1e6)
            return .object(e)
        })
        return object
    }
}

/// `postprocess.topk`: softmax and top-k on the GPU; only k indices and scores per item are read back.
public struct TopKStage: Stage {
    public struct Options: StageOptions, Equatable {
        public var k: Int?
        public var labels: String?
        public var softmax: Bool?

        public static var schema: JSONSchemaNode {
            .object("Top-k classes of each row of logits.", [
                .init("k", .integer("How many classes to keep.", minimum: 1, maximum: TopK.maxK, default: 5)),
                .init("labels", .path("A text file with one class name per line, in class order.")),
                .init("softmax", .boolean("Report softmax probabilities (otherwise raw logits).", default: true)),
            ])
        }
    }

    public static let typeName = "postprocess.topk"
    public static let summary = "Softmax and top-k on the GPU with class labels; reads back only k scores and indices per item."
    public static let inputPorts = [PortSpec("tensor", kind: "tensor", description: "Logits, one row per item.")]
    public static let outputPorts = [PortSpec("classes", kind: "classification", description: "The k best classes.")]

    public static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] {
        guard let labels = options.labels else { return [] }
        let url = context.paths.resolve(labels)
        return FileManager.default.fileExists(atPath: url.path) ? [] : [StageIssue(path: ["options", "labels"], "\(url.path) does not exist")]
    }

    let topK: TopK
    let labels: [String]?
    let gpu: GPUProvider

    public init(options: Options, context: StageContext) throws {
        topK = try TopK(k: options.k ?? 5, applySoftmax: options.softmax ?? true)
        gpu = context.gpu
        if let path = options.labels {
            let text = try String(contentsOf: context.paths.resolve(path), encoding: .utf8)
            labels = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            labels = nil
        }
    }

    public func process(_ batch: [StageInput]) async throws -> [StageResult] {
        let context = try gpu.context()
        let slots = try batch.map { try $0.value(as: TensorSlot.self) }
        let logits = try await TensorSlot.contiguous(slots, context: context)
        guard let first = slots.first, first.batch.dataType == .float32 else {
            throw PipelineError.stageFailed(stage: Self.typeName, message: "top-k takes float32 logits")
        }
        let classes = first.batch.itemDims.reduce(1, *)
        let k = min(topK.k, classes)
        let rows = slots.count
        let indices = try context.makePooledBuffer(size: rows * k * 4, label: "top-k indices")
        let scores = try context.makePooledBuffer(size: rows * k * 4, label: "top-k scores")
        let stream = try CommandStream(context: context, label: "top-k")
        try TopK(k: k, applySoftmax: topK.applySoftmax).encode(into: stream, logits: logits, rows: rows, classes: classes, indices: indices, scores: scores)
        let indexDownload = try stream.download(indices, bytes: rows * k * 4)
        let scoreDownload = try stream.download(scores, bytes: rows * k * 4)
        try await stream.submit().completion()
        let ids = try indexDownload.bytes().withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let values = try scoreDownload.bytes().withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        return (0..<rows).map { row in
            .value(Classification(top: (0..<k).map { j in
                let index = Int(ids[row * k + j])
                return (index, labels.flatMap { index < $0.count ? $0[index] : nil }, values[row * k + j])
            }))
        }
    }
}
