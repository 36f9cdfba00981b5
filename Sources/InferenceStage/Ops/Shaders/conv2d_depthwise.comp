#version 450
#extension GL_EXT_control_flow_attributes : require
// 2-D convolution where every group has one input channel (depthwise, with any channel
// multiplier). Each invocation computes ROW_PIXELS horizontally adjacent outputs of one row, so
// each weight is read once per ROW_PIXELS outputs; the tiled kernel would waste most of its
// channel tile here, and the weights are few enough to stay cached.
#define ROW_PIXELS 4
layout(local_size_x = 256) in;

#include "conv_common.glsl"

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    uint runs = (p.OW + ROW_PIXELS - 1) / ROW_PIXELS;
    if (i >= p.N * p.OC * p.OH * runs) return;
    uint run = i % runs;
    uint oy = (i / runs) % p.OH;
    uint oc = (i / (runs * p.OH)) % p.OC;
    uint n = i / (runs * p.OH * p.OC);
    uint ic = oc / p.outPerGroup;
    uint firstX = run * ROW_PIXELS;
    int originY = int(oy) * p.strideY - p.padTop;
    int originX = int(firstX) * p.strideX - p.padLeft;
    uint inputBase = (n * p.C + ic) * p.H * p.W;
    uint weightBase = oc * p.KH * p.KW;
    float sums[ROW_PIXELS];
    [[unroll]] for (int j = 0; j < ROW_PIXELS; ++j) sums[j] = 0.0;
    for (uint ky = 0u; ky < p.KH; ++ky) {
        int iy = originY + int(ky) * p.dilationY;
        // A negative coordinate wraps to a huge unsigned one, so one comparison per axis.
        if (uint(iy) >= p.H) continue;
        uint rowBase = inputBase + uint(iy) * p.W;
        for (uint kx = 0u; kx < p.KW; ++kx) {
            float weight = ws[weightBase + ky * p.KW + kx];
            int ix0 = originX + int(kx) * p.dilationX;
            [[unroll]] for (int j = 0; j < ROW_PIXELS; ++j) {
                int ix = ix0 + j * p.strideX;
                if (uint(ix) < p.W) sums[j] += xs[rowBase + uint(ix)] * weight;
            }
        }
    }
    [[unroll]] for (int j = 0; j < ROW_PIXELS; ++j) {
        if (firstX + uint(j) < p.OW) storeOutput(n, oc, oy * p.OW + firstX + uint(j), sums[j]);
    }
}
