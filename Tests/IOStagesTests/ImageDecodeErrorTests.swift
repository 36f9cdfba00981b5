import Foundation
import Testing

@testable import IOStages

@Suite("ImageDecodeError")
struct ImageDecodeErrorTests {
    /// The case name of an error, to compare with expected.json's "errors".
    static func kind(_ error: ImageDecodeError) -> String {
        switch error {
        case .unreadableFile: return "unreadableFile"
        case .empty: return "empty"
        case .unsupportedFormat: return "unsupportedFormat"
        case .truncated: return "truncated"
        case .corrupt: return "corrupt"
        case .unsupportedFeature: return "unsupportedFeature"
        case .tooLarge: return "tooLarge"
        case .tooManyScans: return "tooManyScans"
        case .outOfMemory: return "outOfMemory"
        case .destinationTooSmall: return "destinationTooSmall"
        case .probeMismatch: return "probeMismatch"
        case .invalidLimits: return "invalidLimits"
        }
    }

    static func decodeError(_ body: () throws(ImageDecodeError) -> Void) -> ImageDecodeError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    static let errorFiles = [
        "truncated.png", "truncated.jpg", "bad_crc.png", "bad_ancillary_crc.png", "extraneous.jpg", "huge_header.png", "huge_header.jpg",
        "garbage.bin", "tiny.gif", "empty.png",
    ]

    @Test("Each broken fixture fails with its error, naming the file", arguments: errorFiles)
    func brokenFixture(name: String) throws {
        let expectedKind = try #require(try ImageFixtures.expected().errors[name])
        let path = ImageFixtures.path(name)
        let error = try #require(Self.decodeError { () throws(ImageDecodeError) in
            _ = try ImageDecoder().decodeFile(atPath: path)
        })
        #expect(Self.kind(error) == expectedKind)
        let message = try #require(error.errorDescription)
        #expect(message.hasPrefix(path), "\(message)")
    }

    @Test("A 100000 x 100000 PNG header is refused at probe, with the limit and how to raise it")
    func hugePNG() throws {
        let bytes = try ImageFixtures.bytes("huge_header.png")
        let error = Self.decodeError { () throws(ImageDecodeError) in
            _ = try ImageDecoder().probe(bytes, sourceName: "huge.png")
        }
        #expect(error == .tooLarge(source: "huge.png", format: .png, width: 100_000, height: 100_000,
                                   maxPixels: 100_000_000))
        let message = error?.errorDescription ?? ""
        #expect(message.contains("10000000000 pixels"))
        #expect(message.contains("100000000"))
        #expect(message.contains("ImageLimits.maxPixels"))
    }

    @Test("A JPEG header claiming 60000 x 60000 is refused at probe")
    func hugeJPEG() throws {
        let bytes = try ImageFixtures.bytes("huge_header.jpg")
        let error = Self.decodeError { () throws(ImageDecodeError) in _ = try ImageDecoder().probe(bytes) }
        #expect(error == .tooLarge(source: "image data", format: .jpeg, width: 60000, height: 60000,
                                   maxPixels: 100_000_000))
    }

    @Test("maxPixels applies to width * height and to one side alone", arguments: [
        ("grey.png", 47, true), ("grey.png", 48, false), ("grey.png", 5, true),
        ("baseline.jpg", 1535, true), ("baseline.jpg", 1536, false),
    ])
    func pixelLimit(name: String, maxPixels: Int, refused: Bool) throws {
        let bytes = try ImageFixtures.bytes(name)
        let decoder = ImageDecoder(limits: ImageLimits(maxPixels: maxPixels))
        let error = Self.decodeError { () throws(ImageDecodeError) in _ = try decoder.decode(bytes, sourceName: name) }
        if refused {
            let error = try #require(error)
            #expect(Self.kind(error) == "tooLarge", "\(error)")
        } else {
            #expect(error == nil)
        }
    }

    @Test("Progressive scans above the limit are refused; a baseline JPEG has one scan")
    func scanLimit() throws {
        let decoder = ImageDecoder(limits: ImageLimits(maxProgressiveScans: 2))
        let progressive = try ImageFixtures.bytes("progressive.jpg")
        let error = Self.decodeError { () throws(ImageDecodeError) in
            _ = try decoder.decode(progressive, sourceName: "p.jpg")
        }
        #expect(error == .tooManyScans(source: "p.jpg", maxScans: 2))
        #expect(error?.errorDescription?.contains("ImageLimits.maxProgressiveScans") == true)
        _ = try ImageDecoder(limits: ImageLimits(maxProgressiveScans: 1)).decode(try ImageFixtures.bytes("baseline.jpg"))
    }

    @Test("A destination smaller than byteCount is refused before decoding")
    func destinationTooSmall() throws {
        let bytes = try ImageFixtures.bytes("rgb.png")
        let decoder = ImageDecoder()
        let info = try decoder.probe(bytes)
        var buffer = [UInt8](repeating: 0, count: info.byteCount - 1)
        let error = buffer.withUnsafeMutableBytes { destination in
            Self.decodeError { () throws(ImageDecodeError) in
                try decoder.decode(bytes, as: info, into: destination, sourceName: "rgb.png")
            }
        }
        #expect(error == .destinationTooSmall(source: "rgb.png", required: 105, available: 104))
    }

    @Test("Decoding with an ImageInfo probed from other bytes is refused", arguments: [
        ("rgb.png", "grey.png"), ("scaling.jpg", "baseline.jpg"), ("rgb.png", "baseline.jpg"),
    ])
    func probeMismatch(probed: String, decoded: String) throws {
        let decoder = ImageDecoder()
        let info = try decoder.probe(try ImageFixtures.bytes(probed))
        let other = try ImageFixtures.bytes(decoded)
        // Large enough for either image, so only the mismatch can fail.
        var buffer = [UInt8](repeating: 0, count: max(info.byteCount, try decoder.probe(other).byteCount))
        let error = buffer.withUnsafeMutableBytes { destination in
            Self.decodeError { () throws(ImageDecodeError) in try decoder.decode(other, as: info, into: destination) }
        }
        #expect(error.map(Self.kind) == "probeMismatch", "\(String(describing: error))")
    }

    @Test("An ImageInfo whose size disagrees with its scale is refused, not written out of bounds")
    func forgedInfo() throws {
        let bytes = try ImageFixtures.bytes("scaling.jpg")
        let forged = ImageInfo(format: .jpeg, width: 32, height: 24, storedWidth: 250, storedHeight: 190,
                               orientation: .identity, scaleDenominator: 1)
        var buffer = [UInt8](repeating: 0, count: forged.byteCount)
        let error = buffer.withUnsafeMutableBytes { destination in
            Self.decodeError { () throws(ImageDecodeError) in
                try ImageDecoder().decode(bytes, as: forged, into: destination, sourceName: "s.jpg")
            }
        }
        #expect(error.map(Self.kind) == "probeMismatch")
        #expect(error?.errorDescription?.contains("250 x 190") == true, "\(String(describing: error?.errorDescription))")
    }

    @Test("Limits out of range are reported, not used")
    func invalidLimits() throws {
        let bytes = try ImageFixtures.bytes("rgb.png")
        for limits in [ImageLimits(maxPixels: 0), ImageLimits(maxProgressiveScans: 0), ImageLimits(maxPNGChunkBytes: -1)] {
            let error = Self.decodeError { () throws(ImageDecodeError) in
                _ = try ImageDecoder(limits: limits).decode(bytes)
            }
            #expect(error.map(Self.kind) == "invalidLimits")
        }
    }

    @Test("A missing file is an unreadableFile error naming the path")
    func missingFile() {
        let error = Self.decodeError { () throws(ImageDecodeError) in
            _ = try ImageDecoder().decodeFile(atPath: "/nonexistent/cat.jpg")
        }
        #expect(error.map(Self.kind) == "unreadableFile")
        #expect(error?.errorDescription?.hasPrefix("/nonexistent/cat.jpg") == true)
    }

    @Test("Unsupported formats say what they look like")
    func unsupportedFormatMessage() throws {
        let gif = try ImageFixtures.bytes("tiny.gif")
        let error = Self.decodeError { () throws(ImageDecodeError) in _ = try ImageDecoder().probe(gif, sourceName: "a.gif") }
        #expect(error == .unsupportedFormat(source: "a.gif", leadingBytes: Array(gif.prefix(8)), recognisedAs: "GIF"))
        #expect(error?.errorDescription?.contains("GIF") == true)
        let garbage = Self.decodeError { () throws(ImageDecodeError) in _ = try ImageDecoder().probe([1, 2, 3]) }
        #expect(garbage?.errorDescription == "image data: not a PNG or JPEG image (its first bytes are [01 02 03]); convert it to PNG or JPEG first")
    }

    @Test("Truncated data at every length fails cleanly, never crashes", arguments: ["rgb.png", "interlaced.png", "progressive.jpg", "orientation_6.jpg"])
    func everyTruncation(name: String) throws {
        let bytes = try ImageFixtures.bytes(name)
        for length in stride(from: 0, to: bytes.count, by: 7) {
            let error = Self.decodeError { () throws(ImageDecodeError) in
                _ = try ImageDecoder().decode(Array(bytes.prefix(length)), sourceName: name)
            }
            let kind = error.map(Self.kind)
            #expect(kind == "truncated" || kind == "corrupt" || kind == "empty" || kind == "unsupportedFormat",
                    "\(name) cut to \(length) bytes: \(String(describing: error))")
        }
    }
}
