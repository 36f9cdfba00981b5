/// How stored pixels must be transformed for display: the EXIF Orientation tag (values 1–8).
public enum ImageOrientation: Int, Sendable, Equatable, CaseIterable {
    case identity = 1
    case flipHorizontal = 2
    case rotate180 = 3
    case flipVertical = 4
    /// Mirror across the top-left to bottom-right diagonal.
    case transpose = 5
    case rotate90Clockwise = 6
    /// Mirror across the top-right to bottom-left diagonal.
    case transverse = 7
    case rotate90CounterClockwise = 8

    /// True when displayed width and height are the stored height and width.
    public var swapsAxes: Bool { rawValue >= 5 }

    /// Where the stored pixel (x, y) of a `width` x `height` image lands in the displayed image.
    func displayedPosition(x: Int, y: Int, width: Int, height: Int) -> (x: Int, y: Int) {
        switch self {
        case .identity: return (x, y)
        case .flipHorizontal: return (width - 1 - x, y)
        case .rotate180: return (width - 1 - x, height - 1 - y)
        case .flipVertical: return (x, height - 1 - y)
        case .transpose: return (y, x)
        case .rotate90Clockwise: return (height - 1 - y, x)
        case .transverse: return (height - 1 - y, width - 1 - x)
        case .rotate90CounterClockwise: return (y, width - 1 - x)
        }
    }
}
