// Rows of a reduction over any set of axes (ReductionLayout in Swift): row o's elements sit at
// rowOffset(o) + reducedOffset(r), r in 0..<p.count. Axes are grouped into at most 4 kept and 4
// reduced groups, so a reduction over non-contiguous axes needs no transposed copy.
layout(push_constant) uniform Params {
    uint rows;
    uint count;
    uint keptRank;
    uint reducedRank;
    uint keptDims[4];
    uint keptStrides[4];
    uint reducedDims[4];
    uint reducedStrides[4];
} p;

#define NEG_INF uintBitsToFloat(0xff800000u)
#define POS_INF uintBitsToFloat(0x7f800000u)

uint rowOffset(uint row) {
    uint offset = 0u;
    for (int d = int(p.keptRank) - 1; d >= 0; --d) {
        offset += (row % p.keptDims[d]) * p.keptStrides[d];
        row /= p.keptDims[d];
    }
    return offset;
}

uint reducedOffset(uint r) {
    if (p.reducedRank == 1u) return r * p.reducedStrides[0];
    uint offset = 0u;
    for (int d = int(p.reducedRank) - 1; d >= 0; --d) {
        offset += (r % p.reducedDims[d]) * p.reducedStrides[d];
        r /= p.reducedDims[d];
    }
    return offset;
}

// The row a workgroup owns when rows spill from x into y.
uint workgroupRow() { return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x; }

// The row an invocation owns in the one-invocation-per-row variant (KernelEncoder.dispatch's grid).
uint invocationRow() { return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x; }

// Log-sum-exp state (m, s) stands for s·e^m: merging keeps the larger exponent so no exp overflows
// (the online softmax of Milakov & Gimelshein). An empty state is (-inf, 0).
void lseCombine(inout float m, inout float s, float m2, float s2) {
    float top = max(m, m2);
    if (top == NEG_INF) return;
    // +inf dominates; e^(inf-inf) would be NaN.
    if (top == POS_INF) { s = (m == POS_INF ? s : 0.0) + (m2 == POS_INF ? s2 : 0.0); m = top; return; }
    s = s * exp(m - top) + s2 * exp(m2 - top);
    m = top;
}
