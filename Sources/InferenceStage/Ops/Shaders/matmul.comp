#version 450
// Batched float32 GEMM with shared-memory tiles: each workgroup computes a TILE_M × TILE_N output
// tile, each invocation a THREAD_M × THREAD_N block of it. K advances TILE_K at a time through
// staged tiles of A and B held as vec4 so the inner loop reads four values per shared-memory load.
// Edges are zero-filled, so any M, N, K works. Batch = gl_WorkGroupID.z.
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
// Multiples of 4 (vec4 reads).
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

// A tile stored K-major so each invocation's THREAD_M rows at one k are consecutive.
shared vec4 tileA[TILE_K][TILE_M / 4];
shared vec4 tileB[TILE_K][TILE_N / 4];

void main() {
    BatchOffsets o = batchOffsets(gl_WorkGroupID.z);
    uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
    uint tid = ty * GROUP_X + tx;
    uint row0 = gl_WorkGroupID.y * TILE_M, col0 = gl_WorkGroupID.x * TILE_N;

    vec4 acc[THREAD_M][THREAD_N / 4];
    [[unroll]] for (int i = 0; i < THREAD_M; ++i)
        [[unroll]] for (int j = 0; j < THREAD_N / 4; ++j) acc[i][j] = vec4(0.0);

    for (uint k0 = 0u; k0 < p.K; k0 += TILE_K) {
        // Consecutive invocations take consecutive k of A (coalesced for row-major A) and
        // consecutive columns of B (coalesced for row-major B).
        for (uint e = tid; e < TILE_M * TILE_K; e += GROUP_SIZE) {
            uint r = e / TILE_K, kk = e % TILE_K;
            uint gr = row0 + r, gk = k0 + kk;
            tileA[kk][r / 4u][r % 4u] = (gr < p.M && gk < p.K) ? as_[o.a + gr * p.aRow + gk * p.aCol] : 0.0;
        }
        for (uint e = tid; e < TILE_K * TILE_N; e += GROUP_SIZE) {
            uint kk = e / TILE_N, c = e % TILE_N;
            uint gc = col0 + c, gk = k0 + kk;
            tileB[kk][c / 4u][c % 4u] = (gc < p.N && gk < p.K) ? bs[o.b + gk * p.bRow + gc * p.bCol] : 0.0;
        }
        barrier();
        for (uint kk = 0u; kk < TILE_K; ++kk) {
            vec4 a[THREAD_M / 4];
            vec4 b[THREAD_N / 4];
            [[unroll]] for (int i = 0; i < THREAD_M / 4; ++i) a[i] = tileA[kk][ty * (THREAD_M / 4) + uint(i)];
            [[unroll]] for (int j = 0; j < THREAD_N / 4; ++j) b[j] = tileB[kk][tx * (THREAD_N / 4) + uint(j)];
            [[unroll]] for (int i = 0; i < THREAD_M; ++i)
                [[unroll]] for (int j = 0; j < THREAD_N / 4; ++j) acc[i][j] = fma(vec4(a[i / 4][i % 4]), b[j], acc[i][j]);
        }
        barrier();
    }

    [[unroll]] for (int i = 0; i < THREAD_M; ++i) {
        uint row = row0 + ty * THREAD_M + uint(i);
        if (row >= p.M) continue;
        [[unroll]] for (int j = 0; j < THREAD_N; ++j) {
            uint col = col0 + tx * THREAD_N + uint(j);
            if (col < p.N) storeOutput(o, row, col, acc[i][j / 4][j % 4]);
        }
    }
}
