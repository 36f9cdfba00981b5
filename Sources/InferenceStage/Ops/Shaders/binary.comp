#version 450
// c = OP(a, b) with numpy broadcasting (rank ≤ 6; a broadcast axis has stride 0).
// IN_TYPE picks the element type of a and b: float (default), int (int32), int64_t (int64) or
// uint8_t (bool and uint8, read as uint). OUT_BOOL writes a comparison's result as bytes;
// otherwise c has the inputs' type. ZERO is that type's zero, for the logical operators.
#if defined(OUT_BOOL) || defined(IN_U8)
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#endif
#ifdef IN_INT64
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#define IN_T int64_t
#define VALUE_T int64_t
#elif defined(IN_INT32)
#define IN_T int
#define VALUE_T int
#elif defined(IN_U8)
#define IN_T uint8_t
#define VALUE_T uint
#else
#define IN_T float
#define VALUE_T float
#endif
#define ZERO VALUE_T(0)
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer A { IN_T as_[]; };
layout(std430, binding = 1) readonly buffer B { IN_T bs[]; };
#ifdef OUT_BOOL
layout(std430, binding = 2) writeonly buffer C { uint8_t cs[]; };
#else
layout(std430, binding = 2) writeonly buffer C { IN_T cs[]; };
#endif
layout(push_constant) uniform Params {
    uint count;
    uint rank;
    uint dims[6];
    uint aStrides[6];
    uint bStrides[6];
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint rest = i, ai = 0u, bi = 0u;
    for (int d = int(p.rank) - 1; d >= 0; --d) {
        uint index = rest % p.dims[d];
        rest /= p.dims[d];
        ai += index * p.aStrides[d];
        bi += index * p.bStrides[d];
    }
    VALUE_T a = VALUE_T(as_[ai]);
    VALUE_T b = VALUE_T(bs[bi]);
#ifdef OUT_BOOL
    cs[i] = uint8_t((OP) ? 1 : 0);
#else
    cs[i] = IN_T(OP);
#endif
}
