#version 450
// Pad over float32, rank ≤ 6. MODE: 0 constant, 1 reflect, 2 edge, 3 wrap. Output index o reads
// input index o - begin along each axis, mapped back into [0, size) by the mode (negative begins
// crop). Mirrors `PadOperator.sourceIndex`.
layout(local_size_x = 256) in;
layout(std430, binding = 0) readonly buffer Input { float xs[]; };
layout(std430, binding = 1) writeonly buffer Output { float ys[]; };
layout(push_constant) uniform Params {
    uint count;
    uint rank;
    float value;
    uint outDims[6];
    uint inDims[6];
    int begins[6];
} p;

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    if (i >= p.count) return;
    uint rest = i, offset = 0u, stride = 1u;
    bool inside = true;
    for (int d = int(p.rank) - 1; d >= 0; --d) {
        int n = int(p.inDims[d]);
        int s = int(rest % p.outDims[d]) - p.begins[d];
        rest /= p.outDims[d];
        if (s < 0 || s >= n) {
#if MODE == 0
            inside = false;
#elif MODE == 1
            int period = 2 * (n - 1);
            s = n == 1 ? 0 : ((s % period) + period) % period;
            if (s >= n) s = period - s;
#elif MODE == 2
            s = clamp(s, 0, n - 1);
#else
            s = ((s % n) + n) % n;
#endif
        }
        offset += uint(max(s, 0)) * stride;
        stride *= uint(n);
    }
    ys[i] = inside ? xs[offset] : p.value;
}
