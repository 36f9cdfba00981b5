import ArgumentParser
import Foundation

/// Runs the command, then leaves with `_exit`: by then every record is written and flushed, and
/// skipping the C++ static destructors avoids a known hazard — Vulkan drivers (lavapipe's LLVM)
/// tearing down their globals while a worker thread is still releasing GPU objects.
@main
enum Main {
    static func main() async {
        _ = ProcessLaunch.instant  // the clock starts here, before any GPU or model work
        let code: Int32
        do {
            var command = try Sluice.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            code = 0
        } catch {
            let exitCode = Sluice.exitCode(for: error)
            let message = Sluice.fullMessage(for: error)
            if !message.isEmpty {
                if exitCode == .success {
                    print(message)
                } else {
                    FileHandle.standardError.write(Data((message + "\n").utf8))
                }
            }
            code = exitCode.rawValue
        }
        fflush(nil)  // every open output stream
        _exit(code)
    }
}

/// When this process started its work: `sluice run` reports the first result's latency from it.
enum ProcessLaunch {
    static let instant = ContinuousClock.now
}
