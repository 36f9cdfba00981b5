import Foundation

/// The process environment, read in one place so that configuration by variable is easy to find.
enum ProcessInfoEnvironment {
    static var values: [String: String] { ProcessInfo.processInfo.environment }
}
