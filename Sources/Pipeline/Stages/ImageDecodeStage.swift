import Foundation
import GPUCore
import IOStages

/// `image.decode`: reads PNG/JPEG files and decodes them straight into memory the GPU
/// preprocessing shader reads. Corrupt or truncated files become error records naming the file.
public struct ImageDecodeStage: Stage {
    public struct Options: StageOptions, Equatable {
        /// Let JPEG decode at 1/2, 1/4 or 1/8 scale while the shorter side stays at least this.
        public var minShorterSide: Int?
        public var maxPixels: Int?

        public static var schema: JSONSchemaNode {
            .object("How images are decoded.", [
                .init("minShorterSide", .integer("Allow JPEG DCT scaling down to this shorter side (e.g. 256 for a 224 crop). Off when absent.", minimum: 1)),
                .init("maxPixels", .integer("Refuse images with more pixels than this (checked from the header before decoding).", minimum: 1, default: ImageLimits.defaultMaxPixels)),
            ])
        }
    }

    public static let typeName = "image.decode"
    public static let summary = "Decodes PNG and JPEG files (EXIF orientation, DCT scaling) into GPU-readable memory."
    public static let inputPorts = [PortSpec("files", kind: "file", description: "Image files.")]
    public static let outputPorts = [PortSpec("image", kind: "image", description: "Packed RGB pixels in GPU-readable memory.")]

    let decoder: ImageDecoder
    let minShorterSide: Int?
    let gpu: GPUProvider

    public init(options: Options, context: StageContext) throws {
        decoder = ImageDecoder(limits: ImageLimits(maxPixels: options.maxPixels ?? ImageLimits.defaultMaxPixels))
        minShorterSide = options.minShorterSide
        gpu = context.gpu
    }

    public func process(_ batch: [StageInput]) async throws -> [StageResult] {
        let context = try gpu.context()
        return batch.map { input in
            do {
                let file = try input.value(as: FileItem.self)
                let bytes = try ImageDecoder.readFile(atPath: file.url.path)
                let info = try decoder.probe(bytes, sourceName: file.url.path, targetSize: minShorterSide)
                let buffer = try context.makeStagingBuffer(size: max(info.byteCount, 4), label: "decoded image")
                try buffer.withMappedBytes { destination in
                    try decoder.decode(bytes, as: info, into: destination, sourceName: file.url.path)
                }
                return .value(StagedImage(width: info.width, height: info.height, buffer: buffer, source: file.url.path))
            } catch {
                return .failure(error)
            }
        }
    }
}
