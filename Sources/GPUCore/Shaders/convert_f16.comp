#version 450
// float32 <-> float16 conversion. TO_F16 selects the direction. NATIVE_F16 uses 16-bit storage
// (float16_t buffers); otherwise pairs of halves are packed into uints with packHalf2x16, which
// every Vulkan device supports.
#ifdef NATIVE_F16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif
layout(local_size_x = 256) in;
#ifdef NATIVE_F16
layout(std430, binding = 0) buffer Halves { float16_t halves[]; };
#else
layout(std430, binding = 0) buffer Halves { uint packedHalves[]; };
#endif
layout(std430, binding = 1) buffer Floats { float floats[]; };
layout(push_constant) uniform Params { uint count; } params;

void main() {
    uint i = gl_GlobalInvocationID.x;
#ifdef NATIVE_F16
    if (i >= params.count) return;
#ifdef TO_F16
    halves[i] = float16_t(floats[i]);
#else
    floats[i] = float(halves[i]);
#endif
#else
    // One invocation per pair of halves.
    uint first = i * 2u;
    if (first >= params.count) return;
    bool hasSecond = first + 1u < params.count;
#ifdef TO_F16
    vec2 pair = vec2(floats[first], hasSecond ? floats[first + 1u] : 0.0);
    packedHalves[i] = packHalf2x16(pair);
#else
    vec2 pair = unpackHalf2x16(packedHalves[i]);
    floats[first] = pair.x;
    if (hasSecond) floats[first + 1u] = pair.y;
#endif
#endif
}
