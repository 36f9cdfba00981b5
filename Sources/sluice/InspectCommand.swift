import ArgumentParser
import Foundation
import GPUCore
import InferenceStage

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's inputs, outputs, opsets, operators, and where each node runs.",
        discussion: """
            Symbolic dimensions are planned as 1 unless given with --free-dim.

            Example: sluice inspect pipelines/models/efficientnet-lite0.onnx --free-dim batch=8
            """)

    @Argument(help: "Path to an .onnx file.") var model: String
    @Option(name: .customLong("free-dim"), help: ArgumentHelp("Size for a symbolic dimension.", valueName: "name=size"))
    var freeDims: [String] = []
    @Flag(help: "List every node with its placement instead of counts per operator.") var nodes = false
    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup var logging: LoggingOptions

    func run() throws {
        logging.bootstrap()
        let overrides = try FreeDimensions.parse(freeDims)
        let loaded = try ModelLoader.load(path: model)
        print("model:    \(model)")
        print("producer: \(loaded.producerName) \(loaded.producerVersion), IR version \(loaded.irVersion)")
        print("opsets:   " + loaded.opsetImports.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key) \($0.value)" }.joined(separator: ", "))
        print("initializers: \(loaded.graph.initializers.count) (\(loaded.graph.initializers.values.reduce(0) { $0 + $1.bytes.count }) bytes)")
        let session = try InferenceSession(model: loaded, options: SessionOptions(freeDimensionOverrides: overrides, deviceSelection: deviceOptions.selection))
        print("inputs:")
        for input in session.inputs { print("  \(input.name): \(input.dataType?.description ?? "?") \(FreeDimensions.describe(input.shape))") }
        print("outputs:")
        for output in session.outputs { print("  \(output.name): \(output.dataType?.description ?? "?") \(FreeDimensions.describe(output.shape))") }
        var dims: [String: [Int]] = [:]
        for input in session.inputs { dims[input.name] = FreeDimensions.concrete(input.shape, overrides) }
        let placements = try session.placements(inputDims: dims)
        print("nodes after optimisation: \(placements.count) (device: \(session.context?.capabilities.name ?? "none, CPU provider"))")
        if nodes {
            for p in placements { print("  \(p.placement.padding(toLength: 6, withPad: " ", startingAt: 0)) \(p.node)") }
            return
        }
        var table: [String: [String: Int]] = [:]
        for p in placements { table[p.opType, default: [:]][String(p.placement.prefix { $0 != " " }), default: 0] += 1 }
        for (op, counts) in table.sorted(by: { $0.key < $1.key }) {
            let total = counts.values.reduce(0, +)
            print("  \(op.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(total).padding(toLength: 5, withPad: " ", startingAt: 0)) " +
                  counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let reasons = placements.filter { $0.placement.hasPrefix("cpu (") }
        if !reasons.isEmpty {
            print("CPU fallbacks:")
            for r in reasons.prefix(20) { print("  \(r.node): \(r.placement.dropFirst(4))") }
        }
    }
}

/// `--free-dim name=size` parsing and symbolic shape display shared by commands.
enum FreeDimensions {
    static func parse(_ values: [String]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let size = Int(parts[1]), size >= 0 else {
                throw ValidationError("--free-dim expects name=size, got '\(value)'")
            }
            result[String(parts[0])] = size
        }
        return result
    }

    static func describe(_ shape: [InferenceStage.Dimension]?) -> String {
        guard let shape else { return "(unknown rank)" }
        return "[\(shape.map(\.description).joined(separator: ", "))]"
    }

    static func concrete(_ shape: [InferenceStage.Dimension]?, _ overrides: [String: Int]) -> [Int] {
        (shape ?? []).map {
            switch $0 {
            case .fixed(let n): return n
            case .symbolic(let name): return overrides[name] ?? 1
            case .unknown: return 1
            }
        }
    }
}
