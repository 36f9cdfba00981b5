import GPUCore

/// Element type and concrete dims of a value when a plan is made.
public struct TensorSpec: Sendable, Hashable, CustomStringConvertible {
    public var dataType: DataType
    public var dims: [Int]

    public init(_ dataType: DataType, _ dims: [Int]) {
        self.dataType = dataType
        self.dims = dims
    }

    public var rank: Int { dims.count }
    public var elementCount: Int { ShapeMath.elementCount(dims) ?? 0 }
    public var byteCount: Int { elementCount * dataType.byteSize }
    public var isZeroSized: Bool { dims.contains(0) }
    public var description: String { "\(dataType) \(dims)" }
}

/// One input of a node as the planner sees it: its spec, and its value when it is known before
/// running (an initializer, or folded from shapes and constants).
public struct PlanInput: Sendable {
    public var spec: TensorSpec
    public var constant: TensorData?

    public init(spec: TensorSpec, constant: TensorData? = nil) {
        self.spec = spec
        self.constant = constant
    }
}

/// A value living in a GPU buffer at a byte offset.
public struct GPUValue: Sendable {
    public let buffer: GPUBuffer
    public let offset: Int
    public let spec: TensorSpec

    public init(buffer: GPUBuffer, offset: Int = 0, spec: TensorSpec) {
        self.buffer = buffer
        self.offset = offset
        self.spec = spec
    }

    public var byteCount: Int { spec.byteCount }
}

/// An ONNX operator applied at one node, its attributes already parsed. The CPU reference
/// (`computeCPU`) is the specification: GPU kernels are tested against it, and it runs whatever the
/// GPU cannot (with the reason logged).
public protocol Operator: Sendable {
    /// Output types and dims for these inputs (nil entries are absent optional inputs).
    func outputSpecs(_ inputs: [PlanInput?]) throws -> [TensorSpec]

    /// Plain, obviously correct Swift.
    func computeCPU(_ inputs: [TensorData?], outputs: [TensorSpec]) throws -> [TensorData]

    /// Inputs whose values must be known when planning (Reshape's shape, Slice's starts...). A node
    /// whose such input is only known at run time runs on the CPU.
    var planTimeInputs: [Int] { get }

    /// Output 0 is input `aliasedInput`'s bytes under new dims (Reshape, Squeeze, Identity...):
    /// no kernel runs and no memory is copied.
    var aliasedInput: Int? { get }

    /// The GPU kernel handles zero-sized inputs (Concat skips them); otherwise a node with one runs
    /// on the CPU, which every reference handles.
    var acceptsZeroSizedInputs: Bool { get }

    /// Outputs that follow from the inputs' specs alone (Shape, Size), so the planner can fold the
    /// node even when its input's values are only known at run time. nil: not such an operator.
    func valuesFromSpecs(_ inputs: [PlanInput?]) throws -> [TensorData]?

    /// nil when `encodeGPU` handles these inputs on `device`; otherwise why not (logged on fallback).
    func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String?

    /// Records the GPU work. `constants[i]` is input i's value where known when planning (kernels
    /// take such values as push constants instead of reading buffers).
    func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws
}

extension Operator {
    public var planTimeInputs: [Int] { [] }
    public var aliasedInput: Int? { nil }

    public func valuesFromSpecs(_ inputs: [PlanInput?]) throws -> [TensorData]? { nil }

    public var acceptsZeroSizedInputs: Bool { false }

    public func gpuUnsupportedReason(_ inputs: [PlanInput?], outputs: [TensorSpec], device: DeviceCapabilities) -> String? {
        "no GPU kernel"
    }

    public func encodeGPU(_ encoder: KernelEncoder, inputs: [GPUValue?], outputs: [GPUValue], constants: [TensorData?]) throws {
        throw OperatorError.invalid("no GPU kernel")
    }
}

/// What an operator reports about bad inputs; the planner adds the node's name and operator.
public enum OperatorError: Error, LocalizedError, Equatable {
    case invalid(String)
    case missingInput(Int)
    case unsupportedType(input: Int, DataType)

    public var errorDescription: String? {
        switch self {
        case .invalid(let why): return why
        case .missingInput(let i): return "required input \(i) is missing"
        case let .unsupportedType(i, type): return "input \(i) has unsupported element type \(type)"
        }
    }
}

import Foundation
