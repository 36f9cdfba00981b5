import ArgumentParser


struct Sluice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "GPU dataflow pipelines on Vulkan: image classification and text generation with ONNX models.",
        discussion: """
            Start with `sluice devices` to see which Vulkan devices Sluice can use, and
            `sluice selftest` to check that kernels run correctly on one of them.

            Environment:
              SLUICE_DEVICE=N|NAME   default device (index or name substring)
              SLUICE_VALIDATION=1    enable the Khronos validation layer
              SLUICE_CACHE_DIR=DIR   shader cache (default $XDG_CACHE_HOME/sluice or ~/.cache/sluice)
            """,
        subcommands: [RunPipelineCommand.self, GenerateCommand.self, ValidateCommand.self, SchemaCommand.self, DevicesCommand.self, SelfTestCommand.self, RunModelCommand.self, InspectCommand.self, OperatorsCommand.self])
}
