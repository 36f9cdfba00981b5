#version 450
// Trilu over the last two axes of any element type: keeps element (r, c) of each matrix when
// c - r >= k (UPPER) or c - r <= k (lower), writes zero otherwise.
#include "element.glsl"
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { ELEM xs[]; };
layout(std430, binding = 1) writeonly buffer Output { ELEM ys[]; };
layout(push_constant) uniform Params {
    uint count;
    uint rows;
    uint cols;
    int k;
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    int c = int(i % p.cols);
    int r = int((i / p.cols) % p.rows);
#ifdef UPPER
    bool keep = c - r >= p.k;
#else
    bool keep = c - r <= p.k;
#endif
    ys[i] = keep ? xs[i] : ELEM_ZERO;
}
