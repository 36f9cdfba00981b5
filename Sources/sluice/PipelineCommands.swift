import ArgumentParser
import Foundation
import GPUCore
import Pipeline

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file and report every problem with its JSON path, before any GPU work.",
        discussion: "Example: sluice validate pipelines/classify.json")

    @Argument(help: "The pipeline JSON file.") var pipeline: String

    func run() throws {
        let url = URL(fileURLWithPath: pipeline)
        let issues = try StageRegistry.standard().validationIssues(at: url)
        if issues.isEmpty {
            print("\(pipeline): valid")
            return
        }
        for issue in issues { print(issue.formatted(file: url.path)) }
        print("\(issues.count) problem(s)")
        throw ExitCode(1)
    }
}

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of pipeline files (for editor completion and checking).",
        discussion: "Example: sluice schema > pipeline.schema.json, then add \"$schema\": \"./pipeline.schema.json\" to a pipeline.")

    func run() {
        print(PipelineSchema.generate(registry: StageRegistry.standard()), terminator: "")
    }
}

struct RunPipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: every input becomes exactly one result or error record.",
        discussion: """
            The pipeline is validated first. Progress goes to stderr (a bar on a terminal, periodic
            lines otherwise); records go where the pipeline's sink says. Ctrl-C stops cleanly and
            keeps completed records; --resume then continues.

            Examples:
              sluice run pipelines/classify.json
              sluice run photos.json --shard 0/4 --resume      # one of four shards, continuing
            """)

    @Argument(help: "The pipeline JSON file.") var pipeline: String
    @Option(help: ArgumentHelp("Process only shard i of N (deterministic split by source id).", valueName: "i/N")) var shard: String?
    @Flag(help: "Skip items already in the sink's output file.") var resume = false
    @Flag(name: [.short, .long], help: "No progress output.") var quiet = false
    @OptionGroup var deviceOptions: DeviceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let registry = StageRegistry.standard()
        let resolved = try registry.loadPipeline(at: URL(fileURLWithPath: pipeline))
        let options = RunOptions(shard: try shard.map { try Shard(parsing: $0) }, resume: resume,
                                 progress: .standardError(quiet: quiet), gpu: GPUProvider(selection: deviceOptions.selection))
        let task = Task { try await PipelineEngine(pipeline: resolved, options: options).run() }
        let interrupt = InterruptHandler { task.cancel() }
        defer { interrupt.cancel() }
        let summary = try await task.value
        if !quiet {
            var line = summary.description
            if let first = summary.firstRecordAt {
                line += String(format: "; first record %.3fs after launch", Self.seconds(first - ProcessLaunch.instant))
            }
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
        if summary.cancelled { throw ExitCode(130) }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Ctrl-C cancels the run (once); a second Ctrl-C exits at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let fired = Locked(false)
        source.setEventHandler {
            let again = fired.withLock { was in defer { was = true }; return was }
            if again { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupted: finishing records in flight (Ctrl-C again to quit now)\n".utf8))
            onInterrupt()
        }
        source.resume()
    }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
