import ArgumentParser
import GPUCore
import Logging

/// Device choice flags shared by every command that opens a GPU.
struct DeviceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Device index (from `sluice devices`) or a name substring such as \"H100\" or \"llvmpipe\".", valueName: "index|name"))
    var device: String?

    @Option(name: .long, help: "Prefer a discrete (high-performance) or integrated (low-power) GPU when several exist.")
    var powerPreference: PowerPreference = .highPerformance

    @Flag(name: .long, help: "Use a CPU Vulkan implementation (lavapipe) even if a GPU is present.")
    var forceFallbackAdapter = false

    @Flag(name: .long, help: "Enable the Khronos validation layer and report its messages (same as SLUICE_VALIDATION=1).")
    var validation = false

    var selection: DeviceSelection {
        var selection = DeviceSelection.fromEnvironment()
        if let device {
            if let index = Int(device) { selection.index = index; selection.nameContains = nil } else { selection.nameContains = device; selection.index = nil }
        }
        selection.powerPreference = powerPreference
        selection.forceFallbackAdapter = forceFallbackAdapter
        if validation { selection.enableValidation = true }
        return selection
    }
}

extension PowerPreference: ExpressibleByArgument {}

/// `--verbose` / `--quiet` and the swift-log setup they drive.
struct LoggingOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "Log what Sluice does (device choice, shader compiles and cache hits, timings).")
    var verbose = false

    func bootstrap() {
        let level: Logger.Level = verbose ? .debug : .warning
        LoggingBootstrap.once(level: level)
    }
}

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    private static let done = Locked(false)
    static func once(level: Logger.Level) {
        done.withLock { already in
            guard !already else { return }
            already = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
