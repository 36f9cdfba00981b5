#version 450
// Cast between float32, float16, int32, int64, int8, uint8 and bool. IN_TYPE and OUT_TYPE are
// ONNX type numbers. A float source converts through float; an integer source through a 64-bit
// value held as two uint words (low, high), so int64 needs no shaderInt64. Float to integer
// truncates toward zero; NaN and values beyond int64 become 0, as in the CPU reference.
#define F32 1
#define U8 2
#define I8 3
#define I32 6
#define I64 7
#define BOOL 9
#define F16 10
#if IN_TYPE == F16 || OUT_TYPE == F16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif
#if IN_TYPE == U8 || IN_TYPE == I8 || IN_TYPE == BOOL || OUT_TYPE == U8 || OUT_TYPE == I8 || OUT_TYPE == BOOL
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#endif
layout(local_size_x = 256) in;
layout(push_constant) uniform Params { uint count; } p;

#if IN_TYPE == F32
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
#define IN_FLOAT
float loadFloat(uint i) { return xs[i]; }
#elif IN_TYPE == F16
layout(std430, binding = 0) readonly buffer Input { float16_t xs[]; };
#define IN_FLOAT
float loadFloat(uint i) { return float(xs[i]); }
#elif IN_TYPE == I32
layout(std430, binding = 0) readonly buffer Input { int xs[]; };
uvec2 loadInt(uint i) { int v = xs[i]; return uvec2(uint(v), v < 0 ? 0xFFFFFFFFu : 0u); }
#elif IN_TYPE == I64
layout(std430, binding = 0) readonly buffer Input { uvec2 xs[]; };
uvec2 loadInt(uint i) { return xs[i]; }
#elif IN_TYPE == I8
layout(std430, binding = 0) readonly buffer Input { int8_t xs[]; };
uvec2 loadInt(uint i) { int v = int(xs[i]); return uvec2(uint(v), v < 0 ? 0xFFFFFFFFu : 0u); }
#else
layout(std430, binding = 0) readonly buffer Input { uint8_t xs[]; };
uvec2 loadInt(uint i) { return uvec2(uint(xs[i]), 0u); }
#endif

uvec2 negate64(uvec2 v) {
    uint low = ~v.x + 1u;
    return uvec2(low, ~v.y + (low == 0u ? 1u : 0u));
}

#ifdef IN_FLOAT
float asFloat(uint i) { return loadFloat(i); }
bool asBool(uint i) { return loadFloat(i) != 0.0; }
uvec2 asInt(uint i) {
    float t = trunc(loadFloat(i));
    float magnitude = abs(t);
    if (isnan(t) || magnitude >= 9223372036854775808.0) return uvec2(0u);
    if (magnitude < 2147483648.0) { int v = int(t); return uvec2(uint(v), v < 0 ? 0xFFFFFFFFu : 0u); }
    uint high = uint(floor(magnitude / 4294967296.0));
    uvec2 v = uvec2(uint(magnitude - float(high) * 4294967296.0), high);
    return t < 0.0 ? negate64(v) : v;
}
#else
uvec2 asInt(uint i) { return loadInt(i); }
bool asBool(uint i) { uvec2 v = loadInt(i); return (v.x | v.y) != 0u; }
float asFloat(uint i) {
    uvec2 v = loadInt(i);
    bool negative = int(v.y) < 0;
    uvec2 m = negative ? negate64(v) : v;
    float magnitude = float(m.y) * 4294967296.0 + float(m.x);
    return negative ? -magnitude : magnitude;
}
#endif

#if OUT_TYPE == F32
layout(std430, binding = 1) writeonly buffer Output { float ys[]; };
void store(uint i) { ys[i] = asFloat(i); }
#elif OUT_TYPE == F16
layout(std430, binding = 1) writeonly buffer Output { float16_t ys[]; };
void store(uint i) { ys[i] = float16_t(asFloat(i)); }
#elif OUT_TYPE == I32
layout(std430, binding = 1) writeonly buffer Output { int ys[]; };
void store(uint i) { ys[i] = int(asInt(i).x); }
#elif OUT_TYPE == I64
layout(std430, binding = 1) writeonly buffer Output { uvec2 ys[]; };
void store(uint i) { ys[i] = asInt(i); }
#elif OUT_TYPE == I8
layout(std430, binding = 1) writeonly buffer Output { int8_t ys[]; };
void store(uint i) { ys[i] = int8_t(bitfieldExtract(int(asInt(i).x), 0, 8)); }
#elif OUT_TYPE == U8
layout(std430, binding = 1) writeonly buffer Output { uint8_t ys[]; };
void store(uint i) { ys[i] = uint8_t(asInt(i).x & 0xFFu); }
#else
layout(std430, binding = 1) writeonly buffer Output { uint8_t ys[]; };
void store(uint i) { ys[i] = uint8_t(asBool(i) ? 1u : 0u); }
#endif

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    store(i);
}
