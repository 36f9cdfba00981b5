import GPUCore
import IOStages

/// `gpu.preprocess`: resizes, crops and normalises a batch of images on the GPU, writing each
/// into its slot of one batched model-input tensor.
public struct PreprocessStage: Stage {
    public typealias Options = PreprocessOptions

    public static let typeName = "gpu.preprocess"
    public static let summary = "Resize (antialiased), centre-crop or letterbox, normalise, HWC→NCHW, fp32/fp16 — on the GPU, into a batched tensor."
    public static let inputPorts = [PortSpec("images", kind: "image", description: "Decoded images.")]
    public static let outputPorts = [PortSpec("tensor", kind: "tensor", description: "One slot of a batched model input per image.")]

    public static func checkConnections(options: Options, context: StageCheckContext) -> [StageIssue] {
        options.problems().map { StageIssue(path: ["options"], $0) }
    }

    let preprocessor: ImagePreprocessor
    let gpu: GPUProvider

    public init(options: Options, context: StageContext) throws {
        preprocessor = try ImagePreprocessor(options: options)
        gpu = context.gpu
    }

    public func process(_ batch: [StageInput]) async throws -> [StageResult] {
        let context = try gpu.context()
        let images = batch.map { input in Result { try input.value(as: StagedImage.self) } }
        let good = images.compactMap { try? $0.get() }
        guard !good.isEmpty else { return images.map { .failure($0.failureValue ?? StageValueError.emptyBatch) } }
        let options = preprocessor.options
        let bytesPerImage = options.elementsPerImage * options.dataType.byteSize
        let output = try context.makePooledBuffer(size: bytesPerImage * good.count, label: "model input batch")
        let tensorBatch = GPUBatch(buffer: output, dataType: options.dataType, itemDims: options.imageDims, count: good.count)
        let stream = try CommandStream(context: context, label: "preprocess")
        var results: [StageResult] = []
        var slot = 0
        for image in images {
            switch image {
            case .success(let staged):
                try preprocessor.encode(into: stream, source: staged.buffer, width: staged.width, height: staged.height,
                                        destination: output, slot: slot)
                results.append(.value(TensorSlot(batch: tensorBatch, slot: slot)))
                slot += 1
            case .failure(let error):
                results.append(.failure(error))
            }
        }
        try await stream.submit().completion()
        return results
    }
}

extension Result {
    var failureValue: Failure? { if case .failure(let e) = self { e } else { nil } }
}

extension PreprocessOptions: StageOptions {
    public static var schema: JSONSchemaNode {
        .object("How images become model input: value = (pixel · inputScale − mean) / std, pixel in 0...255.", [
            .init("width", .integer("Model input width.", minimum: 1, default: 224)),
            .init("height", .integer("Model input height.", minimum: 1, default: 224)),
            .init("fit", .oneOfStrings(PreprocessOptions.Fit.allCases.map(\.rawValue), "center-crop: resize the shorter side then crop; letterbox: fit inside and pad; stretch: resize to the exact size.", default: "center-crop")),
            .init("resizeShorterSide", .integer("Shorter side before a centre crop (default 256/224 of the crop).", minimum: 1)),
            .init("mean", .array(of: .number("Per-channel mean, after inputScale."), "R, G, B means.")),
            .init("std", .array(of: .number("Per-channel standard deviation."), "R, G, B standard deviations.")),
            .init("inputScale", .number("Multiplies the 0...255 pixel first (1/255 for 0...1 models).", default: 1)),
            .init("padValue", .number("Letterbox padding, on the 0...255 scale.", default: 0)),
            .init("layout", .oneOfStrings(["NCHW", "NHWC"], "Tensor layout.", default: "NCHW")),
            .init("dataType", .oneOfStrings(["float32", "float16"], "Element type of the model input.", default: "float32")),
        ])
    }

    enum CodingKeys: String, CodingKey {
        case width, height, fit, resizeShorterSide, mean, std, inputScale, padValue, layout, dataType
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(width: try c.decodeIfPresent(Int.self, forKey: .width) ?? 224,
                  height: try c.decodeIfPresent(Int.self, forKey: .height) ?? 224,
                  fit: try c.decodeIfPresent(Fit.self, forKey: .fit) ?? .centerCrop,
                  resizeShorterSide: try c.decodeIfPresent(Int.self, forKey: .resizeShorterSide),
                  mean: try c.decodeIfPresent([Float].self, forKey: .mean) ?? [0, 0, 0],
                  std: try c.decodeIfPresent([Float].self, forKey: .std) ?? [1, 1, 1],
                  inputScale: try c.decodeIfPresent(Float.self, forKey: .inputScale) ?? 1,
                  padValue: try c.decodeIfPresent(Float.self, forKey: .padValue) ?? 0,
                  layout: try c.decodeIfPresent(Layout.self, forKey: .layout) ?? .nchw,
                  dataType: try Self.decodeDataType(c))
    }

    static func decodeDataType(_ c: KeyedDecodingContainer<CodingKeys>) throws -> DataType {
        guard let name = try c.decodeIfPresent(String.self, forKey: .dataType) else { return .float32 }
        guard let type = DataType(name: name), type.isFloatingPoint else {
            throw DecodingError.dataCorruptedError(forKey: .dataType, in: c, debugDescription: "must be float32 or float16, not \(name)")
        }
        return type
    }
}
