// Shared by matmul.comp and gemv.comp: the push constants of a GemmProblem and the batch
// decomposition of gl_WorkGroupID.z into per-operand offsets (stride 0 = broadcast operand).
layout(std430, binding = 0) readonly buffer A { float as_[]; };
layout(std430, binding = 1) readonly buffer B { float bs[]; };
layout(std430, binding = 2) writeonly buffer C { float cs[]; };
#ifdef HAS_BIAS
layout(std430, binding = 3) readonly buffer Bias { float biases[]; };
#endif

layout(push_constant) uniform Params {
    uint M, N, K;
    uint batchRank;
    uint batchDims[4];
    uint aBatch[4];
    uint bBatch[4];
    uint biasBatch[4];
    uint aRow, aCol, bRow, bCol, biasRow, biasCol;
    float alpha, beta;
    uint firstBatch;  // batch of gl_WorkGroupID.z == 0 (batches past the z limit run in chunks)
} p;

float sluice_identity(float v) { return v; }
float sluice_relu(float v) { return max(v, 0.0); }
#ifndef ACTIVATION
#define ACTIVATION sluice_identity
#endif

struct BatchOffsets { uint a; uint b; uint bias; uint out_; };

BatchOffsets batchOffsets(uint workgroupZ) {
    uint batch = p.firstBatch + workgroupZ;
    BatchOffsets o;
    o.a = 0u; o.b = 0u; o.bias = 0u;
    o.out_ = batch * p.M * p.N;
    uint rest = batch;
    for (int d = int(p.batchRank) - 1; d >= 0; --d) {
        uint index = rest % p.batchDims[d];
        rest /= p.batchDims[d];
        o.a += index * p.aBatch[d];
        o.b += index * p.bBatch[d];
        o.bias += index * p.biasBatch[d];
    }
    return o;
}

// alpha · acc + beta · bias, then the fused activation; (row, col) must be in range.
void storeOutput(BatchOffsets o, uint row, uint col, float acc) {
    float v = p.alpha * acc;
#ifdef HAS_BIAS
    v += p.beta * biases[o.bias + row * p.biasRow + col * p.biasCol];
#endif
    cs[o.out_ + row * p.N + col] = ACTIVATION(v);
}
