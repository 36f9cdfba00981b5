#version 450
// Softmax / LogSoftmax (LOG) over float32 rows of reduce_rows.glsl: one pass keeps an online
// (max, scaled sum) per invocation, partials merge in shared memory, and a second pass writes
// e^(x - max) / sum (or x - max - log sum). Output elements sit where the input's do.
// Defines: WG (workgroup size), ROW_PER_THREAD (one invocation per row), LOG.
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
layout(std430, binding = 1) writeonly buffer Y { float ys[]; };

#include "reduce_rows.glsl"

void writeRow(uint base, uint first, uint step, float m, float s) {
#ifdef LOG
    // (x - m) is exact for nearby values; folding m + log(s) first would round it away.
    float logSum = log(s);
#else
    float scale = 1.0 / s;
#endif
    for (uint r = first; r < p.count; r += step) {
        uint i = base + reducedOffset(r);
#ifdef LOG
        ys[i] = (xs[i] - m) - logSum;
#else
        ys[i] = exp(xs[i] - m) * scale;
#endif
    }
}

#ifdef ROW_PER_THREAD
void main() {
    uint row = invocationRow();
    if (row >= p.rows) return;
    uint base = rowOffset(row);
    float m = NEG_INF, s = 0.0;
    for (uint r = 0u; r < p.count; ++r) lseCombine(m, s, xs[base + reducedOffset(r)], 1.0);
    writeRow(base, 0u, 1u, m, s);
}
#else
shared float sharedM[WG];
shared float sharedS[WG];

void main() {
    uint row = workgroupRow();
    // Uniform per workgroup, so no invocation skips the barriers below while others wait.
    if (row >= p.rows) return;
    uint t = gl_LocalInvocationID.x;
    uint base = rowOffset(row);
    float m = NEG_INF, s = 0.0;
    for (uint r = t; r < p.count; r += WG) lseCombine(m, s, xs[base + reducedOffset(r)], 1.0);
    sharedM[t] = m;
    sharedS[t] = s;
    barrier();
    for (uint stride = WG / 2u; stride > 0u; stride >>= 1) {
        if (t < stride) {
            lseCombine(m, s, sharedM[t + stride], sharedS[t + stride]);
            sharedM[t] = m;
            sharedS[t] = s;
        }
        barrier();
    }
    writeRow(base, t, WG, sharedM[0], sharedS[0]);
}
#endif
