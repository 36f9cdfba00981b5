#version 450
// Reduce* and ArgMax/ArgMin over float32: one output per row of reduce_rows.glsl.
// Defines (set by Reduce.swift / ArgReduce.swift):
//   WG                workgroup size
//   ROW_PER_THREAD    one invocation reduces a whole row (short rows, or rows whose innermost axis
//                     is kept); otherwise a workgroup shares a row and merges partials in shared memory
//   COMBINE_SUM | COMBINE_PROD | COMBINE_MAX | COMBINE_MIN | COMBINE_LSE | COMBINE_ARGMAX | COMBINE_ARGMIN
//   MAP               per-element map of x before summing (x, abs(x), x * x)
//   FINAL             the row's result from its state (v, s) and element count n
//   LAST_INDEX        ArgMax/ArgMin ties pick the last index instead of the first
//   SUBGROUP_OP       subgroupAdd/Mul/Max/Min: merge within a subgroup before shared memory
#ifdef SUBGROUP_OP
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer X { float xs[]; };
#if defined(COMBINE_ARGMAX) || defined(COMBINE_ARGMIN)
#define ARG
// int64 indices as (low, high) word pairs: indices are non-negative and below 2^32.
layout(std430, binding = 1) writeonly buffer Y { uint ys[]; };
#else
layout(std430, binding = 1) writeonly buffer Y { float ys[]; };
#endif

#include "reduce_rows.glsl"

const uint NONE = 0xffffffffu;

// A partial reduction: value v, LogSumExp's scaled sum s, Arg's index i.
struct State { float v; float s; uint i; };

State emptyState() {
#if defined(COMBINE_SUM)
    return State(0.0, 0.0, 0u);
#elif defined(COMBINE_PROD)
    return State(1.0, 0.0, 0u);
#elif defined(COMBINE_MAX)
    return State(NEG_INF, 0.0, 0u);
#elif defined(COMBINE_MIN)
    return State(POS_INF, 0.0, 0u);
#elif defined(COMBINE_LSE)
    return State(NEG_INF, 0.0, 0u);
#else
    return State(0.0, 0.0, NONE);
#endif
}

State elementState(float x, uint r) {
#if defined(COMBINE_LSE)
    return State(x, 1.0, 0u);
#elif defined(ARG)
    return State(x, 0.0, r);
#else
    return State(MAP, 0.0, 0u);
#endif
}

State combine(State a, State b) {
#if defined(COMBINE_SUM)
    a.v += b.v;
#elif defined(COMBINE_PROD)
    a.v *= b.v;
#elif defined(COMBINE_MAX)
    a.v = max(a.v, b.v);
#elif defined(COMBINE_MIN)
    a.v = min(a.v, b.v);
#elif defined(COMBINE_LSE)
    lseCombine(a.v, a.s, b.v, b.s);
#else
    if (b.i == NONE) return a;
    if (a.i == NONE) return b;
#ifdef COMBINE_ARGMAX
    bool better = b.v > a.v;
#else
    bool better = b.v < a.v;
#endif
#ifdef LAST_INDEX
    bool tieWins = b.i > a.i;
#else
    bool tieWins = b.i < a.i;
#endif
    if (better || (b.v == a.v && tieWins)) return b;
#endif
    return a;
}

void writeResult(uint row, State state) {
#ifdef ARG
    ys[2u * row] = state.i;
    ys[2u * row + 1u] = 0u;
#else
    float v = state.v, s = state.s, n = float(p.count);
    ys[row] = FINAL;
#endif
}

#ifdef ROW_PER_THREAD
void main() {
    uint row = invocationRow();
    if (row >= p.rows) return;
    uint base = rowOffset(row);
    State state = emptyState();
    for (uint r = 0u; r < p.count; ++r) state = combine(state, elementState(xs[base + reducedOffset(r)], r));
    writeResult(row, state);
}
#else
shared float sharedV[WG];
shared float sharedS[WG];
shared uint sharedI[WG];

void store(uint slot, State state) { sharedV[slot] = state.v; sharedS[slot] = state.s; sharedI[slot] = state.i; }
State load(uint slot) { return State(sharedV[slot], sharedS[slot], sharedI[slot]); }

void main() {
    uint row = workgroupRow();
    // Uniform per workgroup, so no invocation skips the barriers below while others wait.
    if (row >= p.rows) return;
    uint t = gl_LocalInvocationID.x;
    uint base = rowOffset(row);
    State state = emptyState();
    for (uint r = t; r < p.count; r += WG) state = combine(state, elementState(xs[base + reducedOffset(r)], r));

#ifdef SUBGROUP_OP
    state.v = SUBGROUP_OP(state.v);
    uint partials = gl_NumSubgroups;
    if (subgroupElect()) store(gl_SubgroupID, state);
#else
    uint partials = WG;
    store(t, state);
#endif
    barrier();
    // Tree over the partials (a power of two: WG and subgroup sizes are).
    for (uint stride = partials / 2u; stride > 0u; stride >>= 1) {
        if (t < stride) store(t, combine(load(t), load(t + stride)));
        barrier();
    }
    if (t == 0u) writeResult(row, load(0u));
}
#endif
