import GPUCore

/// The operator kernels embedded from Ops/Shaders, with `#include "x.glsl"` lines expanded from the
/// same folder (shaderc's include callback would need C glue; plain text expansion is enough).
public enum OpShaders {
    private static let files: [String: [UInt8]] = [
        "math.glsl": PackageResources.math_glsl,
        "strided_copy.comp": PackageResources.strided_copy_comp,
        "unary.comp": PackageResources.unary_comp,
        "binary.comp": PackageResources.binary_comp,
        "reduce_rows.glsl": PackageResources.reduce_rows_glsl,
        "reduce.comp": PackageResources.reduce_comp,
        "softmax.comp": PackageResources.softmax_comp,
        "layer_norm.comp": PackageResources.layer_norm_comp,
        "gemm_common.glsl": PackageResources.gemm_common_glsl,
        "matmul.comp": PackageResources.matmul_comp,
        "gemv.comp": PackageResources.gemv_comp,
        "pool.comp": PackageResources.pool_comp,
        "global_pool.comp": PackageResources.global_pool_comp,
        "lrn.comp": PackageResources.lrn_comp,
        "conv_common.glsl": PackageResources.conv_common_glsl,
        "conv2d.comp": PackageResources.conv2d_comp,
        "conv2d_depthwise.comp": PackageResources.conv2d_depthwise_comp,
        "conv_transpose.comp": PackageResources.conv_transpose_comp,
        "batchnorm.comp": PackageResources.batchnorm_comp,
        "element.glsl": PackageResources.element_glsl,
        "gather.comp": PackageResources.gather_comp,
        "cast.comp": PackageResources.cast_comp,
        "where.comp": PackageResources.where_comp,
        "not.comp": PackageResources.not_comp,
        "trilu.comp": PackageResources.trilu_comp,
        "pad.comp": PackageResources.pad_comp,
        "cumsum.comp": PackageResources.cumsum_comp,
        "sample.comp": PackageResources.sample_comp,
        "generation_feeds.comp": PackageResources.generation_feeds_comp,
    ]

    private static let cache = Locked<[String: ShaderSource]>([:])

    /// The shader named `name` ("unary.comp") with includes expanded.
    public static func source(_ name: String) throws -> ShaderSource {
        if let cached = cache.withLock({ $0[name] }) { return cached }
        guard let bytes = files[name] else { throw GPUError.shaderNotFound(name) }
        let text = try expandIncludes(String(decoding: bytes, as: UTF8.self), in: name)
        let source = ShaderSource(name: name, text: text)
        cache.withLock { $0[name] = source }
        return source
    }

    static func expandIncludes(_ text: String, in name: String) throws -> String {
        var lines: [Substring] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#include \"") && trimmed.hasSuffix("\"") {
                let included = String(trimmed.dropFirst("#include \"".count).dropLast())
                guard let bytes = files[included] else { throw GPUError.shaderNotFound("\(included) (included by \(name))") }
                // #line keeps compile errors pointing at the including file's line numbers.
                lines.append(Substring(String(decoding: bytes, as: UTF8.self)))
                lines.append("#line \(number + 2)")
            } else {
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

import Foundation
