// Embedding lookup and row gather.
//
//   residual[t, j] = float(table[ids[t], j])      t < tokens, j < dim
//   dst[r, j]      = src[rows[r], j]               r < n
//
// table [vocab x dim] bf16 row-major (model.embed_tokens.weight), residual
// [tokens x dim] fp32: the residual stream is kept in fp32 (the CPU
// reference's precision) while the layers' inputs and outputs are bf16.
// Grid: one block per row, threads stride over the row (coalesced).
#include "common.cuh"

namespace llmctl::cuda {
namespace {

__global__ void embedding_kernel(const std::int32_t* ids, const bf16_t* table, std::int64_t vocab, std::int64_t dim,
                                 float* residual) {
  const std::int64_t t = blockIdx.x;
  const std::int32_t id = ids[t];
  float* out = residual + t * dim;
  if (id < 0 || id >= vocab) {
    for (std::int64_t j = threadIdx.x; j < dim; j += blockDim.x) out[j] = 0.0f;
    return;
  }
  const bf16_t* row = table + static_cast<std::int64_t>(id) * dim;
  for (std::int64_t j = threadIdx.x; j < dim; j += blockDim.x) out[j] = detail::to_float(row[j]);
}

__global__ void gather_rows_kernel(const bf16_t* src, const std::int32_t* rows, std::int64_t dim, bf16_t* dst) {
  const std::int64_t r = blockIdx.x;
  const bf16_t* in = src + static_cast<std::int64_t>(rows[r]) * dim;
  bf16_t* out = dst + r * dim;
  for (std::int64_t j = threadIdx.x; j < dim; j += blockDim.x) out[j] = in[j];
}

}  // namespace

void launch_embedding(const std::int32_t* ids, std::int64_t tokens, const bf16_t* table, std::int64_t vocab,
                      std::int64_t dim, float* residual, cudaStream_t stream) {
  if (tokens <= 0) return;
  embedding_kernel<<<static_cast<unsigned>(tokens), 256, 0, stream>>>(ids, table, vocab, dim, residual);
  LLMCTL_CUDA_CHECK_LAUNCH("embedding_kernel");
}

void launch_gather_rows(const bf16_t* src, const std::int32_t* rows, std::int64_t n, std::int64_t dim, bf16_t* dst,
                        cudaStream_t stream) {
  if (n <= 0) return;
  gather_rows_kernel<<<static_cast<unsigned>(n), 256, 0, stream>>>(src, rows, dim, dst);
  LLMCTL_CUDA_CHECK_LAUNCH("gather_rows_kernel");
}

}  // namespace llmctl::cuda
