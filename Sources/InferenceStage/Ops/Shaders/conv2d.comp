#version 450
#extension GL_EXT_control_flow_attributes : require
// Direct 2-D convolution over float32 NCHW with groups. A workgroup computes a tile of
// WG_OC*TILE_OC output channels (inside one group) × WG_PIX*TILE_PIX output pixels of one image;
// each invocation owns TILE_OC channels × TILE_PIX pixels, so one input read feeds TILE_OC
// multiply-adds and one weight read feeds TILE_PIX. The reduction axis (input channel × kernel
// position) is walked in chunks whose weights are staged in shared memory once per workgroup.
// Grid: x = pixel tiles, y = groups × channel tiles per group, z = batch. POINTWISE: a 1×1,
// stride-1, unpadded convolution, i.e. a GEMM of weights [M, C] by the image [C, H·W].
// WG_OC × WG_PIX = 64 invocations; Conv+GPU.swift picks WG_OC = 1, WG_PIX = 64 when groups have
// at most TILE_OC output channels, so small groups do not leave most of the tile idle.
#ifndef WG_OC
#define WG_OC 4
#define WG_PIX 16
#endif
#define TILE_OC 4
#define TILE_PIX 4
#define K_CHUNK 32
#define TILE_CHANNELS (WG_OC * TILE_OC)
layout(local_size_x = 64) in;

#include "conv_common.glsl"

shared float weightTile[TILE_CHANNELS][K_CHUNK];
// Each reduction step's input-channel offset and kernel row/column displacement, decoded once per
// chunk so the inner loop does no integer division.
shared uint tapChannel[K_CHUNK];
shared int tapY[K_CHUNK];
shared int tapX[K_CHUNK];

void main() {
    uint local = gl_LocalInvocationID.x;
    uint channelSlot = local / WG_PIX;
    uint pixelSlot = local % WG_PIX;
    uint group = gl_WorkGroupID.y / p.ocTiles;
    uint firstChannel = (gl_WorkGroupID.y % p.ocTiles) * TILE_CHANNELS;
    uint n = gl_WorkGroupID.z;
    uint pixels = p.OH * p.OW;
    uint firstPixel = gl_WorkGroupID.x * (WG_PIX * TILE_PIX) + pixelSlot;

    // Pixels are strided by WG_PIX so neighbouring invocations read neighbouring inputs.
    int originY[TILE_PIX];
    int originX[TILE_PIX];
    bool live[TILE_PIX];
    [[unroll]] for (int j = 0; j < TILE_PIX; ++j) {
        uint pixel = firstPixel + uint(j) * WG_PIX;
        live[j] = pixel < pixels;
        uint oy = live[j] ? pixel / p.OW : 0u;
        uint ox = live[j] ? pixel % p.OW : 0u;
        originY[j] = int(oy) * p.strideY - p.padTop;
        originX[j] = int(ox) * p.strideX - p.padLeft;
    }

    float acc[TILE_OC][TILE_PIX];
    [[unroll]] for (int i = 0; i < TILE_OC; ++i)
        [[unroll]] for (int j = 0; j < TILE_PIX; ++j) acc[i][j] = 0.0;

    uint taps = p.KH * p.KW;
    uint reduction = p.inPerGroup * taps;
    uint plane = p.H * p.W;
    uint inputBase = (n * p.C + group * p.inPerGroup) * plane;
    uint weightBase = group * p.outPerGroup * reduction;

    for (uint k0 = 0u; k0 < reduction; k0 += K_CHUNK) {
        for (uint e = local; e < TILE_CHANNELS * K_CHUNK; e += 64u) {
            uint row = e / K_CHUNK;
            uint column = e % K_CHUNK;
            uint channel = firstChannel + row;
            uint k = k0 + column;
            float value = 0.0;
            if (channel < p.outPerGroup && k < reduction) value = ws[weightBase + channel * reduction + k];
            weightTile[row][column] = value;
        }
#ifndef POINTWISE
        if (local < K_CHUNK && k0 + local < reduction) {
            uint k = k0 + local;
            uint ic = k / taps;
            uint tap = k - ic * taps;
            uint ky = tap / p.KW;
            tapChannel[local] = ic * plane;
            tapY[local] = int(ky) * p.dilationY;
            tapX[local] = int(tap - ky * p.KW) * p.dilationX;
        }
#endif
        barrier();
        uint chunk = min(uint(K_CHUNK), reduction - k0);
        for (uint kk = 0u; kk < chunk; ++kk) {
            float xv[TILE_PIX];
#ifdef POINTWISE
            // 1×1, stride 1, no padding: k is the input channel and input pixel = output pixel.
            uint channelBase = inputBase + (k0 + kk) * plane + firstPixel;
            [[unroll]] for (int j = 0; j < TILE_PIX; ++j) {
                xv[j] = 0.0;
                if (live[j]) xv[j] = xs[channelBase + uint(j) * WG_PIX];
            }
#else
            int dy = tapY[kk];
            int dx = tapX[kk];
            uint channelBase = inputBase + tapChannel[kk];
            [[unroll]] for (int j = 0; j < TILE_PIX; ++j) {
                int iy = originY[j] + dy;
                int ix = originX[j] + dx;
                xv[j] = 0.0;
                // A negative coordinate wraps to a huge unsigned one, so one comparison per axis.
                if (live[j] && uint(iy) < p.H && uint(ix) < p.W) {
                    xv[j] = xs[channelBase + uint(iy) * p.W + uint(ix)];
                }
            }
#endif
            [[unroll]] for (int i = 0; i < TILE_OC; ++i) {
                float wv = weightTile[channelSlot * TILE_OC + uint(i)][kk];
                [[unroll]] for (int j = 0; j < TILE_PIX; ++j) acc[i][j] += wv * xv[j];
            }
        }
        barrier();
    }

    [[unroll]] for (int i = 0; i < TILE_OC; ++i) {
        uint channel = firstChannel + channelSlot * TILE_OC + uint(i);
        if (channel >= p.outPerGroup) continue;
        [[unroll]] for (int j = 0; j < TILE_PIX; ++j) {
            if (!live[j]) continue;
            storeOutput(n, group * p.outPerGroup + channel, firstPixel + uint(j) * WG_PIX, acc[i][j]);
        }
    }
}
