#version 450
// Batched float32 product for M == 1 (vector × matrix, a transformer's decode step). It is
// memory-bound: each workgroup owns GEMV_COLUMNS output columns and splits K over GEMV_KSPLIT
// invocations per column, then reduces the partial sums in shared memory. With K_CONTIGUOUS
// (B stored N × K) neighbouring invocations walk K; otherwise they walk N; both coalesce B.
#include "math.glsl"

#ifndef GEMV_COLUMNS
#define GEMV_COLUMNS 32
#endif
#ifndef GEMV_KSPLIT
#define GEMV_KSPLIT 8
#endif

layout(local_size_x = GEMV_COLUMNS * GEMV_KSPLIT) in;
#include "gemm_common.glsl"

shared float partial[GEMV_KSPLIT][GEMV_COLUMNS];

void main() {
    BatchOffsets o = batchOffsets(gl_WorkGroupID.z);
    uint lane = gl_LocalInvocationIndex;
#ifdef K_CONTIGUOUS
    uint s = lane % GEMV_KSPLIT, c = lane / GEMV_KSPLIT;
#else
    uint c = lane % GEMV_COLUMNS, s = lane / GEMV_COLUMNS;
#endif
    uint col = gl_WorkGroupID.x * GEMV_COLUMNS + c;
    float acc = 0.0;
    if (col < p.N) {
        for (uint k = s; k < p.K; k += GEMV_KSPLIT) {
            acc = fma(as_[o.a + k * p.aCol], bs[o.b + k * p.bRow + col * p.bCol], acc);
        }
    }
    partial[s][c] = acc;
    barrier();
    for (uint stride = GEMV_KSPLIT / 2; stride > 0u; stride /= 2u) {
        if (s < stride) partial[s][c] += partial[s + stride][c];
        barrier();
    }
    if (s == 0u && col < p.N) storeOutput(o, 0u, col, partial[0][c]);
}
