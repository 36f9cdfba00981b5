#version 450
// 2-D convolution where every group has one input channel (depthwise, with any channel
// multiplier): each invocation computes one output element from its KH×KW window. The tiled
// kernel would waste most of its channel tile here, and the weights are few enough to stay cached.
layout(local_size_x = 256) in;

#include "conv_common.glsl"

void main() {
    uint i = gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    uint pixels = p.OH * p.OW;
    if (i >= p.N * p.OC * pixels) return;
    uint pixel = i % pixels;
    uint oc = (i / pixels) % p.OC;
    uint n = i / (pixels * p.OC);
    uint ic = oc / p.outPerGroup;
    int originY = int(pixel / p.OW) * p.strideY - p.padTop;
    int originX = int(pixel % p.OW) * p.strideX - p.padLeft;
    uint inputBase = (n * p.C + ic) * p.H * p.W;
    uint weightBase = oc * p.KH * p.KW;
    float sum = 0.0;
    for (uint ky = 0u; ky < p.KH; ++ky) {
        int iy = originY + int(ky) * p.dilationY;
        if (iy < 0 || iy >= int(p.H)) continue;
        for (uint kx = 0u; kx < p.KW; ++kx) {
            int ix = originX + int(kx) * p.dilationX;
            if (ix < 0 || ix >= int(p.W)) continue;
            sum += xs[inputBase + uint(iy) * p.W + uint(ix)] * ws[weightBase + ky * p.KW + kx];
        }
    }
    storeOutput(n, oc, pixel, sum);
}
