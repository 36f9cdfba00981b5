#version 450
// GlobalMaxPool / GlobalAveragePool: one 64-wide workgroup per (n, c) channel strides over its
// spatial elements, then reduces the partial results in shared memory.
layout(local_size_x = 64) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
layout(std430, binding = 1) writeonly buffer Y { float ys[]; };
layout(push_constant) uniform Params {
    uint channels;
    uint spatial;
} p;

shared float partial[64];

void main() {
    uint channel = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    if (channel >= p.channels) return;  // uniform per workgroup, so barriers stay uniform
    uint lane = gl_LocalInvocationID.x;
    uint base = channel * p.spatial;
#ifdef POOL_MAX
    float acc = uintBitsToFloat(0xff800000u);
    for (uint s = lane; s < p.spatial; s += 64u) acc = max(acc, xs[base + s]);
#else
    float acc = 0.0;
    for (uint s = lane; s < p.spatial; s += 64u) acc += xs[base + s];
#endif
    partial[lane] = acc;
    barrier();
    for (uint stride = 32u; stride > 0u; stride /= 2u) {
        if (lane < stride) {
#ifdef POOL_MAX
            partial[lane] = max(partial[lane], partial[lane + stride]);
#else
            partial[lane] += partial[lane + stride];
#endif
        }
        barrier();
    }
#ifdef POOL_MAX
    if (lane == 0u) ys[channel] = partial[0];
#else
    if (lane == 0u) ys[channel] = partial[0] / float(max(p.spatial, 1u));
#endif
}
