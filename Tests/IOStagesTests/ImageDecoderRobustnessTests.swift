import Foundation
import Testing

@testable import IOStages

@Suite("ImageDecoder robustness")
struct ImageDecoderRobustnessTests {
    /// A small deterministic generator (SplitMix64), so a failing mutation can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test("Files with corrupted bytes either decode to the probed size or fail with an ImageDecodeError",
          arguments: ["interlaced.png", "palette_trns.png", "progressive.jpg", "orientation_6.jpg", "ycck.jpg"])
    func mutatedBytes(name: String) throws {
        let original = try ImageFixtures.bytes(name)
        var random = SplitMix(state: UInt64(original.count))
        var failures = 0
        for round in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + round % 4) {
                let index = Int.random(in: 2..<bytes.count, using: &random) // keep the magic bytes
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                let decoder = ImageDecoder(limits: ImageLimits(maxPixels: 1 << 20))
                let info = try decoder.probe(bytes, sourceName: name)
                let image = try decoder.decode(bytes, sourceName: name)
                #expect(image.width == info.width && image.height == info.height)
                #expect(image.pixels.count == info.byteCount)
            } catch {
                failures += 1
                #expect(error.errorDescription?.isEmpty == false)
            }
        }
        // Most random damage must be noticed: warnings count as errors.
        #expect(failures > 0, "\(name): no mutation was detected")
    }

    @Test("Decoders run concurrently on many tasks")
    func concurrentDecoding() async throws {
        let names = ["rgb.png", "interlaced.png", "baseline.jpg", "progressive.jpg", "orientation_8.jpg", "cmyk.jpg"]
        let inputs = try names.map { (name: $0, bytes: try ImageFixtures.bytes($0)) }
        let reference = try inputs.map { try ImageDecoder().decode($0.bytes, sourceName: $0.name) }
        let results = try await withThrowingTaskGroup(of: (Int, DecodedImage).self) { group in
            for round in 0..<48 {
                let index = round % inputs.count
                let input = inputs[index]
                group.addTask { (index, try ImageDecoder().decode(input.bytes, sourceName: input.name)) }
            }
            return try await group.reduce(into: [(Int, DecodedImage)]()) { $0.append($1) }
        }
        #expect(results.count == 48)
        for (index, image) in results {
            #expect(image == reference[index], "\(names[index]) differs when decoded concurrently")
        }
    }
}
