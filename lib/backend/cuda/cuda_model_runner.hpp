// The CUDA ModelRunner: the CPU runner's forward pass (cpu_model_runner.hpp)
// in bf16 with fp32 accumulation and an fp32 residual stream, on one stream.
//
// Per step: the batch's metadata goes up in one pinned copy; then
//   embedding -> per layer [add+RMSNorm -> qkv GEMM -> bias/qk-norm/RoPE/KV write
//   -> paged attention -> o GEMM -> add+RMSNorm -> gate_up GEMM -> SiLU*up
//   -> down GEMM] -> add+final norm -> gather logits rows -> lm_head GEMM (fp32).
// Decode-only steps of up to max_num_seqs sequences replay a CUDA graph
// captured for the next batch size in 1, 2, 4, ..., max_num_seqs (padding rows
// have seq_len 0 and slot -1: they write nothing and read nothing).
// Weights: q/k/v fused into one [(H + 2 Hkv) d x hidden] matrix, gate/up into
// one [2I x hidden]; all bf16. KV cache: per layer K and V
// [num_blocks * block_size x Hkv x d] bf16.
#pragma once

#include "backend/cuda/context.hpp"
#include "backend/cuda/cuda_runner.hpp"
#include "backend/cuda/device_buffer.hpp"
#include "backend/cuda/gemm.hpp"
#include "engine/model_runner.hpp"
#include "kernels.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace llmctl::cuda {

class CudaModelRunner : public engine::ModelRunner {
 public:
  CudaModelRunner(const ModelConfig& config, const ModelWeights& weights, const CudaRunnerOptions& options,
                  CudaMemoryReport* report);
  ~CudaModelRunner() override;

  std::int64_t vocab_size() const override { return vocab_; }
  void execute(const engine::SchedulerOutput& plan, const engine::ModelBatch& batch, engine::Logits& out) override;
  bool samples_on_device() const override { return options_.device_sampling; }
  std::vector<engine::SampledToken> sample(const engine::SchedulerOutput& plan) override;

  // The forward pass alone, logits copied to the host (tests).
  void forward(const engine::ModelBatch& batch, engine::Logits& out);
  std::int64_t num_blocks() const { return num_blocks_; }
  const CudaMemoryReport& memory() const { return report_; }

 private:
  struct Layer {
    const bf16_t *input_norm, *post_norm, *qkv, *q_bias, *k_bias, *v_bias, *q_norm, *k_norm, *o, *gate_up, *down;
  };
  // Byte offsets of the metadata arrays in meta_ / meta_host_ (block tables last).
  struct MetaLayout {
    std::size_t ids, positions, slots, query_start, seq_lens, logits_idx, tile_seq, tile_start, tables, bytes;
  };
  struct Graph {
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
  };

  void upload_weights(const ModelWeights& weights);
  void allocate_activations();
  void allocate_kv(std::int64_t num_blocks);
  // Packs the batch (padded to `padded_seqs` decode rows when > 0) and copies it up; returns the tiles.
  std::int64_t upload_batch(const engine::ModelBatch& batch, std::int64_t padded_seqs);
  void run_forward(std::int64_t tokens, std::int64_t seqs, std::int64_t rows, bool decode, std::int64_t tiles,
                   std::int64_t partitions);
  void forward_device(const engine::ModelBatch& batch);
  void capture_graphs();
  void destroy_graphs();
  void plan_memory(CudaMemoryReport* report);
  engine::ModelBatch dummy_batch(std::int64_t tokens) const;

  ModelConfig config_;
  CudaRunnerOptions options_;
  CudaContext ctx_;
  Gemm gemm_;
  std::int64_t hidden_, heads_, kv_heads_, head_dim_, inter_, vocab_, qkv_dim_;
  std::int64_t max_tokens_, max_seqs_, max_blocks_per_seq_, max_partitions_, max_tiles_;
  std::int64_t num_blocks_ = 0;
  float eps_;

  DeviceBuffer weights_;  // every weight, bf16
  std::vector<Layer> layers_;
  const bf16_t *embed_ = nullptr, *final_norm_ = nullptr, *lm_head_ = nullptr;
  DeviceBuffer inv_freq_;

  DeviceBuffer residual_, normed_, qkv_, q_, attn_, proj_, gate_up_, act_, rows_, logits_, decode_scratch_;
  MetaLayout meta_layout_{};
  DeviceBuffer meta_;
  PinnedBuffer meta_host_;
  DeviceBuffer kv_;
  std::map<std::int64_t, Graph> graphs_;  // padded batch size -> decode graph
  std::int64_t last_rows_ = 0;            // logits rows of the last forward

  // Device sampling (device_sampler.cpp).
  DeviceBuffer sample_work_, sample_params_, sample_results_, sample_penalties_, sample_masked_;
  PinnedBuffer sample_host_;
  std::vector<std::int32_t> counts_;        // per-token scratch, all zero between calls
  std::vector<unsigned char> seen_;

  CudaMemoryReport report_;
};

}  // namespace llmctl::cuda
