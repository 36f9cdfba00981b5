#version 450
// c = OP(a, b) with numpy broadcasting over float32 (rank ≤ 6; a broadcast axis has stride 0).
// OUT_BOOL writes a comparison's result as bytes (needs 8-bit storage).
#ifdef OUT_BOOL
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#endif
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer A { float as_[]; };
layout(std430, binding = 1) readonly buffer B { float bs[]; };
#ifdef OUT_BOOL
layout(std430, binding = 2) writeonly buffer C { uint8_t cs[]; };
#else
layout(std430, binding = 2) writeonly buffer C { float cs[]; };
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
    float a = as_[ai];
    float b = bs[bi];
#ifdef OUT_BOOL
    cs[i] = uint8_t((OP) ? 1 : 0);
#else
    cs[i] = OP;
#endif
}
