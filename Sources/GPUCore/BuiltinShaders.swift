/// GPUCore's own kernels (the self-test's), embedded from Shaders/ by SwiftPM.
public enum BuiltinShaders {
    public static let fill = ShaderSource(name: "fill.comp", bytes: PackageResources.fill_comp)
    public static let axpy = ShaderSource(name: "axpy.comp", bytes: PackageResources.axpy_comp)
    public static let reduceSum = ShaderSource(name: "reduce_sum.comp", bytes: PackageResources.reduce_sum_comp)
    public static let convertF16 = ShaderSource(name: "convert_f16.comp", bytes: PackageResources.convert_f16_comp)
}
