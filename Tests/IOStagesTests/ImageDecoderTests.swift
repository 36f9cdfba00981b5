import Foundation
import GPUCore
import Testing

@testable import IOStages

@Suite("ImageDecoder pixels")
struct ImageDecoderTests {
    static let pngFiles = [
        "grey.png", "grey1.png", "grey16.png", "grey_alpha.png", "rgb.png", "rgba.png", "rgba16.png",
        "palette_trns.png", "interlaced.png",
    ]
    static let jpegFiles = [
        "baseline.jpg", "progressive.jpg", "grey.jpg", "cmyk.jpg", "ycck.jpg", "cmyk_plain.jpg",
    ]
    static let orientationFiles = (2...8).map { "orientation_\($0).jpg" }

    @Test("PNG conversions decode exactly", arguments: pngFiles)
    func pngPixels(name: String) throws {
        let expected = try #require(try ImageFixtures.expected().files[name])
        #expect(expected.tolerance == 0)
        let image = try ImageDecoder().decodeFile(atPath: ImageFixtures.path(name))
        #expect(image.sourceFormat == .png)
        ImageFixtures.expectSamples(image, match: expected, name: name)
    }

    @Test("JPEG baseline, progressive, grey, CMYK (Adobe-inverted and plain) and YCCK decode to RGB", arguments: jpegFiles)
    func jpegPixels(name: String) throws {
        let expected = try #require(try ImageFixtures.expected().files[name])
        let image = try ImageDecoder().decodeFile(atPath: ImageFixtures.path(name))
        #expect(image.sourceFormat == .jpeg)
        ImageFixtures.expectSamples(image, match: expected, name: name)
    }

    @Test("EXIF orientations turn the stored pixels upright", arguments: orientationFiles)
    func orientation(name: String) throws {
        let expected = try #require(try ImageFixtures.expected().files[name])
        let bytes = try ImageFixtures.bytes(name)
        let info = try ImageDecoder().probe(bytes, sourceName: name)
        #expect(info.orientation.rawValue == expected.orientation)
        #expect(info.width == 48 && info.height == 32)
        if info.orientation.swapsAxes {
            #expect(info.storedWidth == 32 && info.storedHeight == 48)
        }
        let image = try ImageDecoder().decode(bytes, sourceName: name)
        ImageFixtures.expectSamples(image, match: expected, name: name)
    }

    @Test("A JPEG without EXIF has the identity orientation")
    func noExif() throws {
        let info = try ImageDecoder().probe(try ImageFixtures.bytes("baseline.jpg"))
        #expect(info.orientation == .identity)
        #expect(info.scaleDenominator == 1)
    }

    @Test("DCT scaling picks the largest 1/n keeping the shorter side >= targetSize")
    func dctScaling() throws {
        let cases = try ImageFixtures.expected().scaling
        #expect(cases.count >= 8)
        for scaling in cases {
            let bytes = try ImageFixtures.bytes(scaling.file)
            let decoder = ImageDecoder()
            let info = try decoder.probe(bytes, sourceName: scaling.file, targetSize: scaling.targetSize)
            let label = "\(scaling.file) target \(String(describing: scaling.targetSize))"
            #expect(info.scaleDenominator == scaling.denominator, "\(label)")
            #expect(info.width == scaling.width && info.height == scaling.height, "\(label): \(info.width) x \(info.height)")
            let image = try decoder.decode(bytes, sourceName: scaling.file, targetSize: scaling.targetSize)
            #expect(image.width == scaling.width && image.height == scaling.height, "\(label) decoded")
        }
    }

    @Test("Orientation applies to the DCT-scaled pixels", arguments: ["orientation_6.jpg", "orientation_7.jpg"])
    func orientationAfterScaling(name: String) throws {
        let expected = try #require(try ImageFixtures.expected().files[name])
        let image = try ImageDecoder().decodeFile(atPath: ImageFixtures.path(name), targetSize: 16)
        #expect(image.width == 24 && image.height == 16)
        // The upright pattern at half size: every expected sample moves to (x / 2, y / 2).
        let halved = expected.samples.map { [$0[0] / 2, $0[1] / 2] + $0[2...] }
        let file = ImageFixtures.Expected.File(format: "jpeg", width: 24, height: 16, tolerance: 16, samples: halved,
                                               orientation: expected.orientation)
        ImageFixtures.expectSamples(image, match: file, name: name)
    }

    @Test("Scaled JPEG keeps its colours: left half orange, right half blue")
    func scaledColours() throws {
        let image = try ImageDecoder().decodeFile(atPath: ImageFixtures.path("scaling.jpg"), targetSize: 24)
        #expect(image.width == 32 && image.height == 24)
        let left = try #require(image.rgb(x: 4, y: 12))
        let right = try #require(image.rgb(x: 28, y: 12))
        #expect(zip(left, [200, 60, 30]).allSatisfy { abs(Int($0) - $1) <= 12 }, "left \(left)")
        #expect(zip(right, [30, 80, 200]).allSatisfy { abs(Int($0) - $1) <= 12 }, "right \(right)")
    }

    @Test("PNG ignores targetSize")
    func pngIgnoresTarget() throws {
        let info = try ImageDecoder().probe(try ImageFixtures.bytes("rgb.png"), targetSize: 1)
        #expect(info.scaleDenominator == 1 && info.width == 7 && info.height == 5)
    }

    @Test("Two-step decode writes exactly byteCount bytes into the caller's buffer", arguments: ["rgb.png", "orientation_6.jpg"])
    func decodeIntoBuffer(name: String) throws {
        let bytes = try ImageFixtures.bytes(name)
        let decoder = ImageDecoder()
        let info = try decoder.probe(bytes, sourceName: name)
        #expect(info.byteCount == info.width * info.height * 3)
        let reference = try decoder.decode(bytes, sourceName: name)
        let guardBytes = 16
        var buffer = [UInt8](repeating: 0xA5, count: info.byteCount + guardBytes)
        try buffer.withUnsafeMutableBytes { destination in
            try decoder.decode(bytes, as: info, into: destination, sourceName: name)
        }
        #expect(Array(buffer.prefix(info.byteCount)) == reference.pixels)
        #expect(buffer.suffix(guardBytes).allSatisfy { $0 == 0xA5 })
    }

    @Test("DecodedImage converts to a uint8 HWC tensor")
    func tensorData() throws {
        let image = try ImageDecoder().decodeFile(atPath: ImageFixtures.path("rgb.png"))
        let tensor = try image.tensorData()
        #expect(tensor.dataType == .uint8)
        #expect(tensor.dims == [5, 7, 3])
        #expect(tensor.bytes == image.pixels)
    }
}

@Suite("Bundled pipeline photographs")
struct ImagePipelinePhotoTests {
    struct Photo: Decodable {
        let width: Int
        let height: Int
        let samples: [[Int]]
    }

    static let names = ["coffee.jpg", "chelsea_cat.jpg", "astronaut.jpg", "rocket.jpg", "camera.jpg"]
    static let directory = ImageFixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("pipelines/images")

    @Test("Each bundled photo decodes like Pillow decodes it", arguments: names)
    func photo(name: String) throws {
        let all = try JSONDecoder().decode(
            [String: Photo].self,
            from: Data(contentsOf: ImageFixtures.directory.appendingPathComponent("pipeline_photos.json")))
        let photo = try #require(all[name])
        let path = Self.directory.appendingPathComponent(name).path
        let image = try ImageDecoder().decodeFile(atPath: path)
        let file = ImageFixtures.Expected.File(format: "jpeg", width: photo.width, height: photo.height,
                                               tolerance: 2, samples: photo.samples, orientation: nil)
        ImageFixtures.expectSamples(image, match: file, name: name)
        #expect(min(image.width, image.height) <= 400)
    }

    @Test("A 224 target decodes the 451 x 300 cat at half scale")
    func catAtHalfScale() throws {
        let path = Self.directory.appendingPathComponent("chelsea_cat.jpg").path
        let image = try ImageDecoder().decodeFile(atPath: path, targetSize: 150)
        #expect(image.width == 226 && image.height == 150)
        let full = try ImageDecoder().decodeFile(atPath: path, targetSize: 224)
        #expect(full.width == 451 && full.height == 300)
    }
}
