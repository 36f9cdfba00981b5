#version 450
// out = cond ? x : y with numpy broadcasting of all three (rank ≤ 6; a broadcast axis has stride
// 0). The condition is bool bytes (8-bit storage); values are any element type of ELEM_BYTES.
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#include "element.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Cond { uint8_t conds[]; };
layout(std430, binding = 1) readonly buffer X { ELEM xs[]; };
layout(std430, binding = 2) readonly buffer Y { ELEM ys[]; };
layout(std430, binding = 3) writeonly buffer Out { ELEM outs[]; };
layout(push_constant) uniform Params {
    uint count;
    uint rank;
    uint dims[6];
    uint condStrides[6];
    uint xStrides[6];
    uint yStrides[6];
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint rest = i, ci = 0u, xi = 0u, yi = 0u;
    for (int d = int(p.rank) - 1; d >= 0; --d) {
        uint index = rest % p.dims[d];
        rest /= p.dims[d];
        ci += index * p.condStrides[d];
        xi += index * p.xStrides[d];
        yi += index * p.yStrides[d];
    }
    outs[i] = conds[ci] != uint8_t(0) ? xs[xi] : ys[yi];
}
