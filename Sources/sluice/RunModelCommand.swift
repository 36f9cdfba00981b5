import ArgumentParser
import Foundation
import GPUCore
import InferenceStage

struct RunModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-model",
        abstract: "Run an ONNX model on tensors from .pb files; compare, save, benchmark or profile.",
        discussion: """
            Inputs and outputs are ONNX TensorProto .pb files (the format of ONNX's test data sets).

            Examples:
              sluice run-model model.onnx --test-data test_data_set_0          # run and compare with output_*.pb
              sluice run-model model.onnx --input images=x.pb --output-dir out/
              sluice run-model model.onnx --random --free-dim batch=32 --benchmark 50 --gpu-io
              sluice run-model model.onnx --test-data dir --profile trace.json  # per-node GPU times
            """)

    @Argument(help: "Path to an .onnx file.") var model: String
    @Option(name: .customLong("input"), help: ArgumentHelp("An input tensor file.", valueName: "name=file.pb")) var inputs: [String] = []
    @Option(help: ArgumentHelp("A test data set folder: input_N.pb are fed in input order, output_N.pb compared.", valueName: "dir")) var testData: String?
    @Flag(help: "Feed random inputs (uniform in [-1, 1] for floats, 0 for integers) shaped by the model and --free-dim.") var random = false
    @Option(name: .customLong("free-dim"), help: ArgumentHelp("Size for a symbolic dimension.", valueName: "name=size")) var freeDims: [String] = []
    @Option(help: ArgumentHelp("Write each output as <dir>/<output name>.pb.", valueName: "dir")) var outputDir: String?
    @Option(help: ArgumentHelp("Compare with output_N.pb files in this folder.", valueName: "dir")) var compare: String?
    @Option(name: .customLong("expect"), help: ArgumentHelp("Compare one output with a .pb file.", valueName: "name=file.pb")) var expectations: [String] = []
    @Option(help: "Relative tolerance for --compare/--test-data.") var rtol: Double = 1e-3
    @Option(help: "Absolute tolerance for --compare/--test-data.") var atol: Double = 1e-4
    @Option(help: "Execution provider: vulkan (GPU, CPU fallback per node) or cpu.") var provider: ExecutionProvider = .vulkan
    @Option(help: ArgumentHelp("Time this many runs after 3 warm-up runs.", valueName: "runs")) var benchmark: Int?
    @Flag(help: "Benchmark with inputs already on the GPU and outputs left there (pure inference time).") var gpuIo = false
    @Flag(help: "Record the graph once and replay it (needs static shapes and --gpu-io).") var graphCapture = false
    @Option(help: ArgumentHelp("Write per-node GPU times as a Chrome trace.", valueName: "file.json")) var profile: String?
    @Flag(help: "Print results as JSON.") var json = false
    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let overrides = try FreeDimensions.parse(freeDims)
        var options = SessionOptions(executionProviders: provider == .cpu ? [.cpu] : [.vulkan, .cpu],
                                     preferredOutputLocation: gpuIo ? .gpuBuffer : .cpu,
                                     enableGraphCapture: graphCapture, freeDimensionOverrides: overrides,
                                     enableProfiling: profile != nil, deviceSelection: deviceOptions.selection)
        options.loaderLimits = LoaderLimits()
        let session = try InferenceSession(modelPath: model, options: options)
        var feeds = try loadFeeds(session: session, overrides: overrides)
        if gpuIo || graphCapture, let context = session.context {
            feeds = try feeds.mapValues { tensor in
                let data = try tensor.cpuData()
                let buffer = try context.makeBuffer(bytes: data.bytes, label: "feed")
                return try Tensor.fromGpuBuffer(buffer, dataType: data.dataType, dims: data.dims)
            }
        }
        let start = Date()
        let outputs = try await session.run(feeds: feeds)
        let firstRun = Date().timeIntervalSince(start)
        var report = RunReport(model: model, device: session.context?.capabilities.name ?? "CPU provider", firstRunMilliseconds: firstRun * 1000)

        var failed = false
        if let expectedDir = compare ?? testData {
            for (index, name) in session.outputNames.enumerated() {
                let path = (expectedDir as NSString).appendingPathComponent("output_\(index).pb")
                guard FileManager.default.fileExists(atPath: path), let tensor = outputs[name] else { continue }
                let expected = try TensorFile.read(path: path).tensor
                let comparison = TensorComparison(actual: try await tensor.getData(), expected: expected, rtol: rtol, atol: atol)
                report.comparisons.append(.init(output: name, passed: comparison.passed, maxAbsError: comparison.maxAbsError, detail: comparison.summary))
                failed = failed || !comparison.passed
            }
        }
        for entry in expectations {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--expect expects name=file.pb, got '\(entry)'") }
            guard let tensor = outputs[String(parts[0])] else {
                throw ValidationError("--expect: the model has no output '\(parts[0])' (outputs: \(session.outputNames.joined(separator: ", ")))")
            }
            let expected = try TensorFile.read(path: String(parts[1])).tensor
            let comparison = TensorComparison(actual: try await tensor.getData(), expected: expected, rtol: rtol, atol: atol)
            report.comparisons.append(.init(output: String(parts[0]), passed: comparison.passed, maxAbsError: comparison.maxAbsError, detail: comparison.summary))
            failed = failed || !comparison.passed
        }
        if let outputDir {
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            for (name, tensor) in outputs {
                let safe = name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" }
                try TensorFile(name: name, tensor: try await tensor.getData()).write(to: (outputDir as NSString).appendingPathComponent(String(safe) + ".pb"))
            }
        }
        if let runs = benchmark {
            report.benchmark = try await Benchmark.measure(session: session, feeds: feeds, runs: runs)
        }
        if let profile {
            let summary = session.profileSummary()
            let count = try session.endProfiling(path: profile)
            report.profile = summary.prefix(15).map { .init(node: $0.node, microseconds: $0.microseconds, dispatches: $0.dispatches) }
            report.profileFile = "\(profile) (\(count) events)"
        }
        for tensor in outputs.values where tensor.ownsBuffer { tensor.dispose() }
        print(json ? try report.json() : report.text(outputs: outputs))
        if failed { throw ExitCode(1) }
    }

    func loadFeeds(session: InferenceSession, overrides: [String: Int]) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for entry in inputs {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--input expects name=file.pb, got '\(entry)'") }
            feeds[String(parts[0])] = Tensor(try TensorFile.read(path: String(parts[1])).tensor)
        }
        if let testData {
            for (index, input) in session.inputs.enumerated() where feeds[input.name] == nil {
                let path = (testData as NSString).appendingPathComponent("input_\(index).pb")
                feeds[input.name] = Tensor(try TensorFile.read(path: path).tensor)
            }
        }
        if random {
            for input in session.inputs where feeds[input.name] == nil {
                let dims = FreeDimensions.concrete(input.shape, overrides)
                let type = input.dataType ?? .float32
                let count = dims.reduce(1, *)
                var generator = SystemRandomNumberGenerator()
                let data: TensorData = type.isFloatingPoint
                    ? try TensorData(floats: (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }, dims: dims, as: type)
                    : try TensorData(zeros: type, dims: dims)
                feeds[input.name] = Tensor(data)
            }
        }
        let missing = session.inputNames.filter { feeds[$0] == nil }
        if !missing.isEmpty {
            throw ValidationError("no data for input(s) \(missing.joined(separator: ", ")): use --input name=file.pb, --test-data DIR or --random")
        }
        return feeds
    }
}

extension ExecutionProvider: ExpressibleByArgument {}
