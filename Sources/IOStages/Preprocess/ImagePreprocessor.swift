import GPUCore

/// Turns decoded RGB images into model input on the GPU (`preprocess.comp`), one dispatch per image
/// straight into its slot of the batch tensor. `reference` computes the same on the CPU: the
/// specification the kernel is tested against.
public struct ImagePreprocessor: Sendable {
    public let options: PreprocessOptions
    static let shader = ShaderSource(name: "preprocess.comp", bytes: PackageResources.preprocess_comp)

    public init(options: PreprocessOptions) throws(PreprocessError) {
        let problems = options.problems()
        guard problems.isEmpty else { throw .invalidOptions(problems) }
        self.options = options
    }

    /// Records the preprocessing of one packed RGB image (`width`×`height`×3 bytes in `source`)
    /// into batch slot `slot` of `destination` (a tensor of options.dataType, [batch] + imageDims).
    public func encode(into stream: CommandStream, source: GPUBuffer, width: Int, height: Int,
                       destination: GPUBuffer, slot: Int) throws {
        let context = stream.context
        guard width > 0, height > 0, source.size >= width * height * 3 else {
            throw PreprocessError.sourceTooSmall(needed: width * height * 3, size: source.size)
        }
        let elementBytes = options.dataType.byteSize
        guard (slot + 1) * options.elementsPerImage * elementBytes <= destination.size else {
            throw PreprocessError.destinationTooSmall(slot: slot, size: destination.size)
        }
        var defines: [String: String] = [:]
        if options.dataType == .float16 {
            guard context.capabilities.storageBuffer16Bit && context.capabilities.shaderFloat16 else {
                throw PreprocessError.float16Unsupported(context.capabilities.name)
            }
            defines["OUTPUT_F16"] = ""
        }
        let kernel = try context.shaders.kernel(Self.shader, variant: KernelVariant(defines: defines), bindings: 2, pushConstantBytes: 80)
        let g = options.geometry(sourceWidth: width, sourceHeight: height)
        var push = PushConstants()
        push.append(width); push.append(height); push.append(g.resizedWidth); push.append(g.resizedHeight)
        push.append(Int32(g.offsetX)); push.append(Int32(g.offsetY)); push.append(options.width); push.append(options.height)
        push.append(slot * options.elementsPerImage); push.append(options.layout == .nhwc ? 1 : 0)
        push.append(options.inputScale); push.append(options.padValue)
        for m in options.mean { push.append(m) }
        for s in options.std { push.append(1 / s) }
        try stream.dispatch(kernel, [.read(source), .write(destination)], push: push,
                            groups: ((options.width + 15) / 16, (options.height + 15) / 16, 1), label: "preprocess")
    }

    /// The same computation on the CPU, for one image: values in the layout of one batch slot.
    public func reference(pixels: [UInt8], width: Int, height: Int) -> [Float] {
        let g = options.geometry(sourceWidth: width, sourceHeight: height)
        let (ow, oh) = (options.width, options.height)
        var out = [Float](repeating: 0, count: options.elementsPerImage)
        let scaleX = Float(width) / Float(g.resizedWidth), scaleY = Float(height) / Float(g.resizedHeight)
        let supportX = max(scaleX, 1), supportY = max(scaleY, 1)
        for oy in 0..<oh {
            for ox in 0..<ow {
                let rx = ox + g.offsetX, ry = oy + g.offsetY
                var pixel: [Float] = [options.padValue, options.padValue, options.padValue]
                if rx >= 0, ry >= 0, rx < g.resizedWidth, ry < g.resizedHeight {
                    let cx = (Float(rx) + 0.5) * scaleX, cy = (Float(ry) + 0.5) * scaleY
                    let x0 = max(Int((cx - supportX).rounded(.down)), 0), x1 = min(Int((cx + supportX).rounded(.up)), width)
                    let y0 = max(Int((cy - supportY).rounded(.down)), 0), y1 = min(Int((cy + supportY).rounded(.up)), height)
                    var sum: [Float] = [0, 0, 0]
                    var total: Float = 0
                    for y in y0..<max(y0, y1) {
                        let wy = max(0, 1 - abs((Float(y) + 0.5 - cy) / supportY))
                        if wy == 0 { continue }
                        for x in x0..<max(x0, x1) {
                            let w = max(0, 1 - abs((Float(x) + 0.5 - cx) / supportX)) * wy
                            if w == 0 { continue }
                            for c in 0..<3 { sum[c] += w * Float(pixels[(y * width + x) * 3 + c]) }
                            total += w
                        }
                    }
                    pixel = total > 0 ? sum.map { $0 / total } : [0, 0, 0]
                }
                for c in 0..<3 {
                    let v = (pixel[c] * options.inputScale - options.mean[c]) / options.std[c]
                    let index = options.layout == .nhwc ? (oy * ow + ox) * 3 + c : c * ow * oh + oy * ow + ox
                    out[index] = v
                }
            }
        }
        return out
    }
}

public enum PreprocessError: Error, LocalizedError, Equatable {
    case invalidOptions([String])
    case sourceTooSmall(needed: Int, size: Int)
    case destinationTooSmall(slot: Int, size: Int)
    case float16Unsupported(String)

    public var errorDescription: String? {
        switch self {
        case .invalidOptions(let problems): return "invalid preprocessing options: " + problems.joined(separator: "; ")
        case let .sourceTooSmall(needed, size): return "image buffer holds \(size) bytes but the image needs \(needed)"
        case let .destinationTooSmall(slot, size): return "batch buffer (\(size) bytes) has no room for slot \(slot)"
        case .float16Unsupported(let device): return "\(device) lacks 16-bit storage or fp16 arithmetic for float16 model input; use dataType float32"
        }
    }
}

import Foundation
