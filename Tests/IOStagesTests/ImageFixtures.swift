import Foundation
import Testing

@testable import IOStages

/// The files in Tests/Fixtures/images and the values scripts/make_image_fixtures.py expects of them.
enum ImageFixtures {
    struct Expected: Decodable {
        struct File: Decodable {
            let format: String
            let width: Int
            let height: Int
            let tolerance: Int
            /// [x, y, r, g, b] in displayed (upright) coordinates.
            let samples: [[Int]]
            let orientation: Int?
        }
        struct Scaling: Decodable {
            let file: String
            let targetSize: Int?
            let denominator: Int
            let width: Int
            let height: Int
        }
        let files: [String: File]
        let errors: [String: String]
        let scaling: [Scaling]
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: directory.appendingPathComponent("expected.json")))
    }

    /// Checks every expected sample of `name` in `image`, within the file's tolerance.
    static func expectSamples(_ image: DecodedImage, match file: Expected.File, name: String) {
        #expect(image.width == file.width, "\(name) width")
        #expect(image.height == file.height, "\(name) height")
        #expect(image.pixels.count == file.width * file.height * 3)
        #expect(!file.samples.isEmpty)
        for sample in file.samples {
            let (x, y, want) = (sample[0], sample[1], Array(sample[2...]))
            guard let got = image.rgb(x: x, y: y) else {
                Issue.record("\(name): (\(x), \(y)) is outside the decoded image")
                continue
            }
            let worst = zip(got, want).map { abs(Int($0) - $1) }.max() ?? Int.max
            #expect(worst <= file.tolerance, "\(name) at (\(x), \(y)): got \(got), expected \(want)")
        }
    }
}
