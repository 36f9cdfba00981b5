#version 450
// Resize (antialiased bilinear, as PIL's BILINEAR: a triangle filter whose support widens with
// the downscale factor), centre-crop or letterbox, normalise per channel, and write one image
// into its slot of a batched NCHW (or NHWC) float tensor. The source is packed RGB bytes read
// as 32-bit words, so no 8-bit storage is needed.
#ifdef OUTPUT_F16
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define OUT_T float16_t
#else
#define OUT_T float
#endif
layout(local_size_x = 16, local_size_y = 16) in;
layout(std430, binding = 0) readonly buffer Source { uint words[]; };
layout(std430, binding = 1) writeonly buffer Destination { OUT_T values[]; };
layout(push_constant) uniform Params {
    uint srcWidth, srcHeight;          // decoded image
    uint resizedWidth, resizedHeight;  // virtual resized image
    int offsetX, offsetY;              // crop origin in the resized image (negative: letterbox padding)
    uint outWidth, outHeight;          // model input size
    uint outBase;                      // element offset of this image's slot
    uint nhwc;                         // 1: HWC layout, 0: CHW
    float inputScale;                  // applied to 0..255 before normalising
    float padValue;                    // pixel value (0..255 scale) outside a letterboxed image
    float mean[3];
    float invStd[3];
} p;

float channelAt(uint x, uint y, uint c) {
    uint byteIndex = (y * p.srcWidth + x) * 3u + c;
    return float((words[byteIndex >> 2] >> ((byteIndex & 3u) * 8u)) & 0xffu);
}

void main() {
    uint ox = gl_GlobalInvocationID.x, oy = gl_GlobalInvocationID.y;
    if (ox >= p.outWidth || oy >= p.outHeight) return;
    int rx = int(ox) + p.offsetX, ry = int(oy) + p.offsetY;
    vec3 pixel = vec3(p.padValue);
    if (rx >= 0 && ry >= 0 && rx < int(p.resizedWidth) && ry < int(p.resizedHeight)) {
        float scaleX = float(p.srcWidth) / float(p.resizedWidth);
        float scaleY = float(p.srcHeight) / float(p.resizedHeight);
        float supportX = max(scaleX, 1.0), supportY = max(scaleY, 1.0);
        float centerX = (float(rx) + 0.5) * scaleX, centerY = (float(ry) + 0.5) * scaleY;
        int x0 = max(int(floor(centerX - supportX)), 0), x1 = min(int(ceil(centerX + supportX)), int(p.srcWidth));
        int y0 = max(int(floor(centerY - supportY)), 0), y1 = min(int(ceil(centerY + supportY)), int(p.srcHeight));
        vec3 sum = vec3(0.0);
        float totalWeight = 0.0;
        for (int y = y0; y < y1; ++y) {
            float wy = max(0.0, 1.0 - abs((float(y) + 0.5 - centerY) / supportY));
            if (wy == 0.0) continue;
            for (int x = x0; x < x1; ++x) {
                float wx = max(0.0, 1.0 - abs((float(x) + 0.5 - centerX) / supportX));
                float w = wx * wy;
                if (w == 0.0) continue;
                sum += w * vec3(channelAt(uint(x), uint(y), 0u), channelAt(uint(x), uint(y), 1u), channelAt(uint(x), uint(y), 2u));
                totalWeight += w;
            }
        }
        pixel = totalWeight > 0.0 ? sum / totalWeight : vec3(0.0);
    }
    uint plane = p.outWidth * p.outHeight;
    for (uint c = 0u; c < 3u; ++c) {
        float v = (pixel[c] * p.inputScale - p.mean[c]) * p.invStd[c];
        uint index = p.nhwc == 1u ? p.outBase + (oy * p.outWidth + ox) * 3u + c : p.outBase + c * plane + oy * p.outWidth + ox;
        values[index] = OUT_T(v);
    }
}
