import Foundation
import GPUCore
import Testing
@testable import InferenceStage

/// Session semantics (ONNX Runtime's WebGPU EP, adapted): feeds, fetches, output locations,
/// fallback, graph capture, errors. Models are built in code so each test shows its graph.
@Suite struct SessionTests {
    let context = OperatorHarness.context

    /// y = Relu(x · w + b) elementwise with broadcasting; z = Sigmoid(y).
    static func model(batch: InferenceStage.Dimension = .symbolic("batch")) throws -> OnnxModel {
        let w = try TensorData([0.5, -1, 2, 1.5] as [Float], dims: [4])
        let b = try TensorData([Float(0.25)], dims: [1])
        let graph = Graph(
            name: "tiny",
            nodes: [
                Node(name: "mul", opType: "Mul", inputs: ["x", "w"], outputs: ["xw"]),
                Node(name: "add", opType: "Add", inputs: ["xw", "b"], outputs: ["pre"]),
                Node(name: "relu", opType: "Relu", inputs: ["pre"], outputs: ["y"]),
                Node(name: "sig", opType: "Sigmoid", inputs: ["y"], outputs: ["z"]),
            ],
            inputs: [ValueInfo(name: "x", dataType: .float32, shape: [batch, .fixed(4)])],
            outputs: [ValueInfo(name: "y", dataType: .float32, shape: [batch, .fixed(4)]),
                      ValueInfo(name: "z", dataType: .float32, shape: [batch, .fixed(4)])],
            initializers: ["w": w, "b": b], valueInfo: [:])
        return OnnxModel(irVersion: 8, producerName: "test", producerVersion: "1", opsetImports: ["": 17], graph: graph)
    }

    static func expected(_ x: [Float]) -> (y: [Float], z: [Float]) {
        let w: [Float] = [0.5, -1, 2, 1.5]
        let y = x.enumerated().map { max($0.element * w[$0.offset % 4] + 0.25, 0) }
        return (y, y.map { 1 / (1 + exp(-$0)) })
    }

    func options(_ configure: (inout SessionOptions) -> Void = { _ in }) -> SessionOptions {
        var options = SessionOptions(context: context)
        configure(&options)
        return options
    }

    let xValues: [Float] = [1, 2, 3, 4, -1, -2, -3, -4, 0.5, 0.25, 0, 8]

    @Test func cpuFeedsGiveCPUOutputsThatMatchTheReference() async throws {
        let session = try InferenceSession(model: Self.model(), options: options())
        let outputs = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])])
        let (y, z) = Self.expected(xValues)
        #expect(outputs["y"]?.location == .cpu)
        OperatorHarness.expectClose(try outputs["y"]!.cpuData(), try TensorData(y, dims: [3, 4]))
        OperatorHarness.expectClose(try outputs["z"]!.cpuData(), try TensorData(z, dims: [3, 4]), rtol: 1e-5, atol: 1e-6)
        #expect(context.validation?.drain() ?? [] == [])
    }

    @Test func cpuProviderAgreesWithVulkan() async throws {
        let gpu = try InferenceSession(model: Self.model(), options: options())
        let cpu = try InferenceSession(model: Self.model(), options: SessionOptions(executionProviders: [.cpu]))
        #expect(cpu.context == nil)
        let feed = try Tensor(xValues, dims: [3, 4])
        let a = try await gpu.run(feeds: ["x": feed]), b = try await cpu.run(feeds: ["x": feed])
        OperatorHarness.expectClose(try a["z"]!.cpuData(), try b["z"]!.cpuData(), rtol: 1e-5, atol: 1e-6)
    }

    @Test func gpuFeedIsNeverFreedAndGPUOutputsStayOnTheGPU() async throws {
        // Its own context: transfer counters of the shared one move with parallel tests.
        let context = try GPUContext(selection: DeviceSelection(enableValidation: true))
        let session = try InferenceSession(model: Self.model(), options: SessionOptions(preferredOutputLocation: .gpuBuffer, context: context))
        let input = try context.makeBuffer(bytes: xValues.withUnsafeBytes { [UInt8]($0) })
        let feed = try Tensor.fromGpuBuffer(input, dataType: .float32, dims: [3, 4])
        _ = try await session.run(feeds: ["x": feed])  // warm-up: weights upload once
        let before = context.stats.snapshot
        let outputs = try await session.run(feeds: ["x": feed])
        let after = context.stats.snapshot
        // Zero-copy: nothing crossed between host and device in the second run.
        #expect(after.uploads == before.uploads && after.downloads == before.downloads)
        let z = try #require(outputs["z"])
        #expect(z.location == Tensor.Location.gpuBuffer && z.ownsBuffer)
        OperatorHarness.expectClose(try await z.getData(), try TensorData(Self.expected(xValues).z, dims: [3, 4]), rtol: 1e-5, atol: 1e-6)
        z.dispose()
        await #expect(throws: GPUError.self) { try await z.getData() }
        // The caller's buffer still holds the input.
        #expect(try context.download(input) == xValues.withUnsafeBytes { [UInt8]($0) })
        #expect(!feed.isDisposed)
    }

    @Test func perOutputLocation() async throws {
        let session = try InferenceSession(model: Self.model(), options: options { $0.outputLocations = ["y": .gpuBuffer] })
        let outputs = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])])
        #expect(outputs["y"]?.location == Tensor.Location.gpuBuffer)
        #expect(outputs["z"]?.location == .cpu)
    }

    @Test func preallocatedFetchReceivesTheOutputInPlace() async throws {
        let session = try InferenceSession(model: Self.model(), options: options())
        let target = try context.makeBuffer(size: 48)
        let fetch = try Tensor.fromGpuBuffer(target, dataType: .float32, dims: [3, 4])
        let outputs = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])], fetches: ["z": fetch])
        #expect(outputs["z"] === fetch)
        let bytes = try context.download(target)
        OperatorHarness.expectClose(try TensorData(dataType: .float32, dims: [3, 4], bytes: bytes),
                                    try TensorData(Self.expected(xValues).z, dims: [3, 4]), rtol: 1e-5, atol: 1e-6)
        #expect(outputs["y"]?.location == .cpu)
    }

    @Test func fetchShapeOrTypeMismatchNamesTheOutput() async throws {
        let session = try InferenceSession(model: Self.model(), options: options())
        let wrongShape = try Tensor.fromGpuBuffer(try context.makeBuffer(size: 64), dataType: .float32, dims: [4, 4])
        await #expect(throws: InferenceError.fetchMismatch(name: "z", expected: TensorSpec(.float32, [3, 4]), given: TensorSpec(.float32, [4, 4]))) {
            try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])], fetches: ["z": wrongShape])
        }
        let wrongType = try Tensor.fromGpuBuffer(try context.makeBuffer(size: 64), dataType: .int32, dims: [3, 4])
        do {
            _ = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])], fetches: ["z": wrongType])
            Issue.record("should fail")
        } catch {
            #expect(error.localizedDescription == "pre-allocated fetch for output 'z' is int32 [3, 4], but the output is float32 [3, 4]")
        }
    }

    @Test func feedErrorsNameTheInput() async throws {
        let session = try InferenceSession(model: Self.model(batch: .fixed(3)), options: options())
        await #expect(throws: InferenceError.missingFeed(name: "x")) { try await session.run(feeds: [:]) }
        await #expect(throws: InferenceError.unknownFeed(name: "q", inputs: ["x"])) {
            try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4]), "q": Tensor([Float(1)], dims: [1])])
        }
        await #expect(throws: InferenceError.feedType(name: "x", expected: .float32, given: .int64)) {
            try await session.run(feeds: ["x": Tensor([Int64](repeating: 1, count: 12), dims: [3, 4])])
        }
        await #expect(throws: InferenceError.feedShape(name: "x", expected: "[3, 4]", given: [2, 4])) {
            try await session.run(feeds: ["x": Tensor([Float](repeating: 1, count: 8), dims: [2, 4])])
        }
    }

    @Test func freeDimensionOverridesAreChecked() async throws {
        let session = try InferenceSession(model: Self.model(), options: options { $0.freeDimensionOverrides = ["batch": 3] })
        _ = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])])
        await #expect(throws: InferenceError.self) { try await session.run(feeds: ["x": Tensor([Float](repeating: 1, count: 8), dims: [2, 4])]) }
    }

    @Test func unknownOperatorNamesNodeAndOperator() throws {
        var model = try Self.model()
        model.graph.nodes[2] = Node(name: "weird", opType: "FrobnicateV2", inputs: ["pre"], outputs: ["y"])
        #expect(throws: InferenceError.unknownOperator(node: "node 'weird' (FrobnicateV2)", opType: "FrobnicateV2", domain: "", opset: 17, knownOpsets: [])) {
            try InferenceSession(model: model, options: options())
        }
    }

    @Test func runtimeOnlyPlanInputFallsBackToTheCPU() async throws {
        // Clip whose bound is a graph input: the GPU kernel needs it when planning, so the node runs on the CPU.
        let graph = Graph(name: "clip", nodes: [
            Node(name: "clip", opType: "Clip", inputs: ["x", "lo", ""], outputs: ["c"]),
            Node(name: "relu", opType: "Relu", inputs: ["c"], outputs: ["y"]),
        ], inputs: [ValueInfo(name: "x", dataType: .float32, shape: [.fixed(4)]), ValueInfo(name: "lo", dataType: .float32, shape: [])],
           outputs: [ValueInfo(name: "y", dataType: .float32, shape: [.fixed(4)])], initializers: [:], valueInfo: [:])
        let session = try InferenceSession(model: OnnxModel(irVersion: 8, producerName: "", producerVersion: "", opsetImports: ["": 13], graph: graph), options: options())
        let placements = try session.placements(inputDims: ["x": [4], "lo": []])
        #expect(placements.map { $0.placement } == ["cpu (input 1 ('lo') is known only at run time)", "gpu"])
        let out = try await session.run(feeds: ["x": Tensor([-3, -1, 1, 3] as [Float], dims: [4]), "lo": Tensor([Float(-2)], dims: [])])
        #expect(try out["y"]!.cpuData().floats() == [0, 0, 1, 3])
    }

    @Test func zeroSizedOutputsAreCPUTensors() async throws {
        let session = try InferenceSession(model: Self.model(), options: options { $0.preferredOutputLocation = .gpuBuffer })
        let outputs = try await session.run(feeds: ["x": Tensor([Float](), dims: [0, 4])])
        #expect(outputs["z"]?.location == .cpu)
        #expect(outputs["z"]?.dims == [0, 4])
    }

    @Test func graphCaptureReplaysOneStreamWithNewInputData() async throws {
        let session = try InferenceSession(model: Self.model(batch: .fixed(3)), options: options {
            $0.enableGraphCapture = true
            $0.preferredOutputLocation = .gpuBuffer
        })
        let plain = try InferenceSession(model: Self.model(batch: .fixed(3)), options: options())
        let input = try context.makeBuffer(size: 48)
        let feed = try Tensor.fromGpuBuffer(input, dataType: .float32, dims: [3, 4])
        for round in 0..<3 {
            let values = xValues.map { $0 * Float(round + 1) - 1 }
            try context.upload(values.withUnsafeBytes { [UInt8]($0) }, to: input)
            let captured = try await session.run(feeds: ["x": feed])
            let reference = try await plain.run(feeds: ["x": Tensor(values, dims: [3, 4])])
            #expect(try await captured["z"]!.getData() == reference["z"]!.cpuData())
        }
        let streams = session.capturedStreams
        #expect(streams.count == 1)
        #expect(streams.first?.replays == 3)
        #expect(streams.first?.dispatches == 4)
    }

    @Test func graphCaptureSaysWhichConditionFailed() async throws {
        let dynamic = try InferenceSession(model: Self.model(), options: options { $0.enableGraphCapture = true; $0.preferredOutputLocation = .gpuBuffer })
        let feed = try Tensor.fromGpuBuffer(try context.makeBuffer(size: 48), dataType: .float32, dims: [3, 4])
        do { _ = try await dynamic.run(feeds: ["x": feed]); Issue.record("should fail") } catch {
            #expect(error.localizedDescription.contains("input 'x' has dynamic dims [batch, 4]"))
        }
        let fixed = try InferenceSession(model: Self.model(batch: .fixed(3)), options: options { $0.enableGraphCapture = true; $0.preferredOutputLocation = .gpuBuffer })
        do { _ = try await fixed.run(feeds: ["x": Tensor(xValues, dims: [3, 4])]); Issue.record("should fail") } catch {
            #expect(error.localizedDescription.contains("feed 'x' is a CPU tensor"))
        }
        let cpuOut = try InferenceSession(model: Self.model(batch: .fixed(3)), options: options { $0.enableGraphCapture = true })
        do { _ = try await cpuOut.run(feeds: ["x": feed]); Issue.record("should fail") } catch {
            #expect(error.localizedDescription.contains("would be downloaded"))
        }
    }

    @Test func profilingWritesAChromeTrace() async throws {
        let session = try InferenceSession(model: Self.model(), options: options { $0.enableProfiling = true })
        _ = try await session.run(feeds: ["x": Tensor(xValues, dims: [3, 4])])
        let summary = session.profileSummary()
        #expect(Set(summary.map(\.node)) == ["node 'mul' (Mul)", "node 'add' (Add)", "node 'relu' (Relu)", "node 'sig' (Sigmoid)"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).json").path
        #expect(try session.endProfiling(path: path) == 4)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect((json?["traceEvents"] as? [Any])?.count == 4)
    }

    @Test func concurrentRunsGiveTheSameResults() async throws {
        let session = try InferenceSession(model: Self.model(), options: options())
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    let values = (0..<(4 * (task + 1))).map { Float($0 % 7) - 3 }
                    let out = try await session.run(feeds: ["x": Tensor(values, dims: [task + 1, 4])])
                    let expected = try TensorData(Self.expected(values).y, dims: [task + 1, 4])
                    return try out["y"]!.cpuData() == expected
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}

@Suite struct ShapeFoldingTests {
    @Test func shapeOfARunTimeInputFoldsSoShapeArithmeticCostsNothing() async throws {
        // y = Reshape(x, Concat(Shape(x)[0], -1)): the target shape comes from x's dims alone.
        let graph = Graph(name: "flatten", nodes: [
            Node(name: "shape", opType: "Shape", inputs: ["x"], outputs: ["s"]),
            Node(name: "first", opType: "Gather", inputs: ["s", "zero"], outputs: ["n"], attributes: ["axis": .int(0)]),
            Node(name: "unsq", opType: "Unsqueeze", inputs: ["n", "axes"], outputs: ["n1"]),
            Node(name: "cat", opType: "Concat", inputs: ["n1", "minus1"], outputs: ["target"], attributes: ["axis": .int(0)]),
            Node(name: "reshape", opType: "Reshape", inputs: ["x", "target"], outputs: ["y"]),
        ], inputs: [ValueInfo(name: "x", dataType: .float32, shape: [.symbolic("b"), .fixed(2), .fixed(3)])],
           outputs: [ValueInfo(name: "y", dataType: .float32, shape: nil)],
           initializers: ["zero": try TensorData([Int64(0)], dims: []), "axes": try TensorData([Int64(0)], dims: [1]),
                          "minus1": try TensorData([Int64(-1)], dims: [1])], valueInfo: [:])
        let session = try InferenceSession(model: OnnxModel(irVersion: 8, producerName: "", producerVersion: "", opsetImports: ["": 17], graph: graph),
                                           options: SessionOptions(context: OperatorHarness.context))
        let placements = try session.placements(inputDims: ["x": [4, 2, 3]])
        #expect(placements.map { $0.placement } == ["folded", "folded", "folded", "folded", "alias"])
        let out = try await session.run(feeds: ["x": Tensor((0..<24).map(Float.init), dims: [4, 2, 3])])
        #expect(out["y"]?.dims == [4, 6])
        #expect(try out["y"]!.cpuData().floats() == (0..<24).map(Float.init))
    }
}
