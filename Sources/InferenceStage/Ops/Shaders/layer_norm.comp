#version 450
// LayerNormalization / InstanceNormalization (INSTANCE) over contiguous float32 rows: one workgroup
// per row. Each invocation keeps a Welford (count, mean, M2) over its elements, the partials merge
// pairwise in shared memory (Chan et al.), and a second pass writes
// (x - mean) / sqrt(var + epsilon) * scale + bias.
// Scale and bias index: LayerNormalization `column % scaleCount` (scale broadcast from trailing
// axes); InstanceNormalization `row % channels`. HAS_BIAS: binding 2 holds a bias.
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
layout(std430, binding = 1) readonly buffer Scale { float scales[]; };
layout(std430, binding = 2) readonly buffer Bias { float biases[]; };
layout(std430, binding = 3) writeonly buffer Y { float ys[]; };
layout(push_constant) uniform Params {
    uint rows;
    uint rowLength;
    uint scaleCount;
    uint biasCount;
    uint channels;
    float epsilon;
} p;

shared float sharedN[WG];
shared float sharedMean[WG];
shared float sharedM2[WG];

void merge(inout float n, inout float mean, inout float m2, float n2, float mean2, float m22) {
    float total = n + n2;
    if (total == 0.0) return;
    float delta = mean2 - mean;
    mean += delta * (n2 / total);
    m2 += m22 + delta * delta * (n * n2 / total);
    n = total;
}

void main() {
    uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    // Uniform per workgroup, so no invocation skips the barriers below while others wait.
    if (row >= p.rows) return;
    uint t = gl_LocalInvocationID.x;
    uint base = row * p.rowLength;
    float n = 0.0, mean = 0.0, m2 = 0.0;
    for (uint c = t; c < p.rowLength; c += WG) {
        float x = xs[base + c];
        n += 1.0;
        float delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
    }
    sharedN[t] = n;
    sharedMean[t] = mean;
    sharedM2[t] = m2;
    barrier();
    for (uint stride = WG / 2u; stride > 0u; stride >>= 1) {
        if (t < stride) {
            merge(n, mean, m2, sharedN[t + stride], sharedMean[t + stride], sharedM2[t + stride]);
            sharedN[t] = n;
            sharedMean[t] = mean;
            sharedM2[t] = m2;
        }
        barrier();
    }
    float rowMean = sharedMean[0];
    float invStd = 1.0 / sqrt(sharedM2[0] / float(p.rowLength) + p.epsilon);
    for (uint c = t; c < p.rowLength; c += WG) {
#ifdef INSTANCE
        uint s = row % p.channels, b = s;
#else
        uint s = c % p.scaleCount, b = c % max(p.biasCount, 1u);
#endif
        float y = (xs[base + c] - rowMean) * invStd * scales[s];
#ifdef HAS_BIAS
        y += biases[b];
#endif
        ys[base + c] = y;
    }
}
