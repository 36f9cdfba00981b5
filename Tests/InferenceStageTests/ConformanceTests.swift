import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// onnx's "light" model tests (AlexNet, DenseNet-121, Inception v1/v2, ResNet-50, ShuffleNet,
/// SqueezeNet, VGG-19, ZFNet-512: full-size graphs whose weights are ConstantOfShape nodes) run
/// through an InferenceSession on the GPU and compared with the output the onnx wheel ships, as
/// onnx's backend test runner does. Fixtures: scripts/make_conformance_data.py.
///
/// The fast models run by default; the slow ones (seconds each on lavapipe in a debug build)
/// only with SLUICE_CONFORMANCE_ALL=1 (`make conformance`).
@Suite(.serialized) struct ConformanceTests {
    /// Under the ~60 s CI budget together (debug build, lavapipe, 2 cores).
    static let ciModels = ConformanceData.ciModels
    static let slowModels = ConformanceData.slowModels

    @Test(arguments: ciModels)
    func modelMatchesOnnxExpectedOutput(model: String) async throws {
        try await ConformanceData.check(model)
    }

    @Test(.enabled(if: ConformanceData.runAll, "set SLUICE_CONFORMANCE_ALL=1 to run the slow models"), arguments: slowModels)
    func slowModelMatchesOnnxExpectedOutput(model: String) async throws {
        try await ConformanceData.check(model)
    }

    @Test func everyFixtureModelIsListedOnce() throws {
        let listed = Self.ciModels + Self.slowModels
        #expect(Set(listed).count == listed.count)
        #expect(Set(listed) == Set(try ConformanceData.manifest().keys))
    }

    /// The input is rebuilt here rather than committed; it must equal the runner's dummy data.
    @Test func dummyInputFollowsTheRunnerFormula() throws {
        let input = try ConformanceData.dummyInput(dims: [1, 2, 2])
        #expect(try input.scalars(as: Float.self) == [0, 0.25, 0.5, 0.75])
        let odd = try ConformanceData.dummyInput(dims: [3]).scalars(as: Float.self)
        // float64 division rounded to float32, as numpy's (arange(n) / n).astype(float32).
        #expect(odd == [0, Float(1.0 / 3.0), Float(2.0 / 3.0)])
    }
}

enum ConformanceData {
    // Measured alone (debug build, lavapipe, 2 shared cores): inception_v1 6-10 s, shufflenet and
    // squeezenet 1-3 s; AlexNet 21-30 s (its fc6 Gemm runs on the CPU), the rest 16-180 s.
    static let ciModels = ["inception_v1", "shufflenet", "squeezenet"]
    static let slowModels = ["bvlc_alexnet", "densenet121", "inception_v2", "resnet50", "vgg19", "zfnet512"]

    static var runAll: Bool { ProcessInfo.processInfo.environment["SLUICE_CONFORMANCE_ALL"] == "1" }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/conformance")

    struct Entry: Decodable {
        let input: String
        let inputShape: [Int]
        let output: String
        let outputShape: [Int]
    }

    static func manifest() throws -> [String: Entry] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode([String: Entry].self, from: data)
    }

    /// onnx's generate_dummy_data(random: false): arange(n).reshape(dims) / n as float32.
    static func dummyInput(dims: [Int]) throws -> TensorData {
        let count = dims.reduce(1, *)
        let values = (0..<count).map { Float(Double($0) / Double(count)) }
        return try TensorData(values, dims: dims)
    }

    /// Runs one model and compares with the shipped output (rtol 1e-3, atol 1e-4). Prints the
    /// time, the worst error and the nodes that fell back to the CPU (there should be none).
    static func check(_ name: String) async throws {
        let entry = try #require(try manifest()[name], "\(name) missing from manifest.json")
        let modelDirectory = directory.appendingPathComponent(name)
        let expected = try TensorFile.read(path: modelDirectory.appendingPathComponent("test_data_set_0/output_0.pb").path).tensor
        let input = try dummyInput(dims: entry.inputShape)
        // When make_conformance_data.py wrote the inputs, they must be the values built here.
        if let inputs = ProcessInfo.processInfo.environment["SLUICE_CONFORMANCE_INPUTS"] {
            let file = try TensorFile.read(path: "\(inputs)/\(name)/test_data_set_0/input_0.pb").tensor
            #expect(file == input, "\(name): generated input differs from the runner's input_0.pb")
        }

        let start = ContinuousClock.now
        let session = try InferenceSession(modelPath: modelDirectory.appendingPathComponent("model.onnx").path,
                                           options: SessionOptions(context: OperatorHarness.context))
        let placements = try session.placements(inputDims: [entry.input: entry.inputShape])
        let fallbacks = placements.filter { $0.placement.hasPrefix("cpu") }
        let outputs = try await session.run(feeds: [entry.input: Tensor(input)])
        let actual = try #require(outputs[entry.output], "\(name): no output \(entry.output)").cpuData()
        let elapsed = ContinuousClock.now - start

        OperatorHarness.expectClose(actual, expected, rtol: 1e-3, atol: 1e-4, what: "\(name) vs onnx's expected output")
        // The only acceptable fallback is a tensor beyond the device's storage-buffer range (the
        // fc6 weights of AlexNet, ZFNet and VGG-19 exceed lavapipe's 128 MiB); anything else is a
        // missing GPU path.
        let unexpected = fallbacks.filter { !$0.placement.contains("maxStorageBufferRange") }
        #expect(unexpected.isEmpty, "\(name): nodes on the CPU: \(unexpected.map { "\($0.node) [\($0.opType)] \($0.placement)" })")
        #expect(OperatorHarness.context.validation?.drain() ?? [] == [])
        let error = maxAbsoluteError(actual, expected)
        print("conformance \(name): \(elapsed), max |error| \(error), CPU fallbacks \(fallbacks.count)"
              + fallbacks.map { "\n  \($0.node): \($0.placement)" }.joined())
    }

    static func maxAbsoluteError(_ a: TensorData, _ b: TensorData) -> Double {
        guard a.dims == b.dims else { return .infinity }
        return zip(a.doubles(), b.doubles()).reduce(0) { max($0, abs($1.0 - $1.1).isNaN ? .infinity : abs($1.0 - $1.1)) }
    }
}
