import GPUCore

/// How images become model input: resize, crop or letterbox, normalise, lay out.
/// `value = (pixel · inputScale − mean[c]) / std[c]` with pixel in 0...255.
public struct PreprocessOptions: Sendable, Equatable {
    public enum Fit: String, Sendable, Codable, CaseIterable {
        /// Resize the shorter side to `resizeShorterSide`, then take the centre `width`×`height`.
        case centerCrop = "center-crop"
        /// Scale to fit inside `width`×`height` keeping the aspect ratio; pad the rest with `padValue`.
        case letterbox
        /// Resize to exactly `width`×`height`.
        case stretch
    }

    public enum Layout: String, Sendable, Codable { case nchw = "NCHW", nhwc = "NHWC" }

    public var width: Int
    public var height: Int
    public var fit: Fit
    /// Shorter side after resizing, for `centerCrop` (default: 256/224 of the crop, as torchvision does).
    public var resizeShorterSide: Int?
    public var mean: [Float]
    public var std: [Float]
    public var inputScale: Float
    public var padValue: Float
    public var layout: Layout
    public var dataType: DataType

    public init(width: Int = 224, height: Int = 224, fit: Fit = .centerCrop, resizeShorterSide: Int? = nil,
                mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1], inputScale: Float = 1, padValue: Float = 0,
                layout: Layout = .nchw, dataType: DataType = .float32) {
        self.width = width
        self.height = height
        self.fit = fit
        self.resizeShorterSide = resizeShorterSide
        self.mean = mean
        self.std = std
        self.inputScale = inputScale
        self.padValue = padValue
        self.layout = layout
        self.dataType = dataType
    }

    /// Dims of one image in the model input (without the batch dimension).
    public var imageDims: [Int] { layout == .nchw ? [3, height, width] : [height, width, 3] }
    public var elementsPerImage: Int { 3 * width * height }

    /// Problems with these options, each a sentence naming the field.
    public func problems() -> [String] {
        var found: [String] = []
        if width <= 0 || height <= 0 || width > 16384 || height > 16384 { found.append("width and height must be in 1...16384") }
        if mean.count != 3 { found.append("mean must have 3 values (R, G, B)") }
        if std.count != 3 || std.contains(0) { found.append("std must have 3 non-zero values") }
        if let s = resizeShorterSide, s < min(width, height) { found.append("resizeShorterSide (\(s)) must be at least the crop's shorter side (\(min(width, height)))") }
        if dataType != .float32 && dataType != .float16 { found.append("dataType must be float32 or float16") }
        return found
    }

    /// Where a `sourceWidth`×`sourceHeight` image lands: the virtual resized size and the crop
    /// origin in it (negative = letterbox padding).
    public func geometry(sourceWidth: Int, sourceHeight: Int) -> (resizedWidth: Int, resizedHeight: Int, offsetX: Int, offsetY: Int) {
        switch fit {
        case .stretch:
            return (width, height, 0, 0)
        case .centerCrop:
            let shorter = resizeShorterSide ?? Int((Double(min(width, height)) * 256 / 224).rounded())
            let (rw, rh): (Int, Int) = sourceWidth <= sourceHeight
                ? (shorter, max(1, Int(Double(shorter) * Double(sourceHeight) / Double(sourceWidth))))
                : (max(1, Int(Double(shorter) * Double(sourceWidth) / Double(sourceHeight))), shorter)
            // Python's round (half to even), as torchvision's CenterCrop and the PIL references use.
            return (rw, rh, Int((Double(rw - width) / 2).rounded(.toNearestOrEven)), Int((Double(rh - height) / 2).rounded(.toNearestOrEven)))
        case .letterbox:
            let scale = min(Double(width) / Double(sourceWidth), Double(height) / Double(sourceHeight))
            let rw = max(1, Int((Double(sourceWidth) * scale).rounded())), rh = max(1, Int((Double(sourceHeight) * scale).rounded()))
            return (rw, rh, -((width - rw) / 2), -((height - rh) / 2))
        }
    }
}
