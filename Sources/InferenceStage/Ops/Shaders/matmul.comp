#version 450
// Batched float32 GEMM with shared-memory tiles: each workgroup computes a TILE_M × TILE_N output
// tile, each invocation THREAD_M × THREAD_N of it (rows/columns interleaved by the workgroup size
// so neighbouring invocations write neighbouring columns). K advances TILE_K at a time through
// staged tiles of A and B; edges are zero-filled, so any M, N, K works. Batch = gl_WorkGroupID.z.
#extension GL_EXT_control_flow_attributes : enable
#include "math.glsl"

#ifndef TILE_M
#define TILE_M 64
#endif
#ifndef TILE_N
#define TILE_N 64
#endif
#ifndef TILE_K
#define TILE_K 16
#endif
#ifndef THREAD_M
#define THREAD_M 8
#endif
#ifndef THREAD_N
#define THREAD_N 4
#endif
#define GROUP_X (TILE_N / THREAD_N)
#define GROUP_Y (TILE_M / THREAD_M)
#define GROUP_SIZE (GROUP_X * GROUP_Y)

layout(local_size_x = GROUP_X, local_size_y = GROUP_Y) in;
#include "gemm_common.glsl"

// A tile stored K-major so the inner loop reads a row of THREAD_M values per k.
shared float tileA[TILE_K][TILE_M];
shared float tileB[TILE_K][TILE_N];

void main() {
    BatchOffsets o = batchOffsets(gl_WorkGroupID.z);
    uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    uint tid = ty * GROUP_X + tx;
    uint row0 = gl_WorkGroupID.y * TILE_M, col0 = gl_WorkGroupID.x * TILE_N;

    float acc[THREAD_M][THREAD_N];
    [[unroll]] for (int i = 0; i < THREAD_M; ++i)
        [[unroll]] for (int j = 0; j < THREAD_N; ++j) acc[i][j] = 0.0;

    for (uint k0 = 0u; k0 < p.K; k0 += TILE_K) {
        // Consecutive invocations take consecutive k of A (coalesced for row-major A) and
        // consecutive columns of B (coalesced for row-major B).
        for (uint e = tid; e < TILE_M * TILE_K; e += GROUP_SIZE) {
            uint r = e / TILE_K, kk = e % TILE_K;
            uint gr = row0 + r, gk = k0 + kk;
            tileA[kk][r] = (gr < p.M && gk < p.K) ? as_[o.a + gr * p.aRow + gk * p.aCol] : 0.0;
        }
        for (uint e = tid; e < TILE_K * TILE_N; e += GROUP_SIZE) {
            uint kk = e / TILE_N, c = e % TILE_N;
            uint gc = col0 + c, gk = k0 + kk;
            tileB[kk][c] = (gc < p.N && gk < p.K) ? bs[o.b + gk * p.bRow + gc * p.bCol] : 0.0;
        }
        barrier();
        for (uint kk = 0u; kk < TILE_K; ++kk) {
            float a[THREAD_M];
            float b[THREAD_N];
            [[unroll]] for (int i = 0; i < THREAD_M; ++i) a[i] = tileA[kk][ty + uint(i) * GROUP_Y];
            [[unroll]] for (int j = 0; j < THREAD_N; ++j) b[j] = tileB[kk][tx + uint(j) * GROUP_X];
            [[unroll]] for (int i = 0; i < THREAD_M; ++i)
                [[unroll]] for (int j = 0; j < THREAD_N; ++j) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier();
    }

    [[unroll]] for (int i = 0; i < THREAD_M; ++i) {
        uint row = row0 + ty + uint(i) * GROUP_Y;
        if (row >= p.M) continue;
        [[unroll]] for (int j = 0; j < THREAD_N; ++j) {
            uint col = col0 + tx + uint(j) * GROUP_X;
            if (col < p.N) storeOutput(o, row, col, acc[i][j]);
        }
    }
}
