// The tiny golden models of tests/data/models/ (tools/gen-tiny-models.py):
// their config and weights, and transformers' fp32 logits and greedy
// continuations from golden.json.
#pragma once

#include "backend/cpu/cpu_model_runner.hpp"
#include "engine/model_runner.hpp"
#include "model/config.hpp"
#include "model/weights.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace llmctl::backend::cpu::test {

inline const std::vector<std::string> kGoldenModels = {"qwen3-tied", "qwen3-untied", "llama3-rope", "qwen2-bias"};

inline std::filesystem::path model_dir(const std::string& name) {
  return std::filesystem::path(LLMCTL_TEST_DATA_DIR) / "models" / name;
}

struct GoldenPrompt {
  std::vector<engine::TokenId> input_ids;
  std::map<std::int32_t, std::vector<float>> rows;  // prompt position -> logits
  std::vector<engine::TokenId> greedy;
  std::vector<float> final_logits;  // last position of input_ids + greedy[:-1]
};

inline std::vector<GoldenPrompt> load_golden(const std::string& name) {
  std::ifstream in(model_dir(name) / "golden.json");
  REQUIRE(in.good());
  const auto j = nlohmann::json::parse(in);
  std::vector<GoldenPrompt> out;
  for (const auto& p : j.at("prompts")) {
    GoldenPrompt g;
    g.input_ids = p.at("input_ids").get<std::vector<engine::TokenId>>();
    for (const auto& [k, v] : p.at("rows").items()) g.rows[std::stoi(k)] = v.get<std::vector<float>>();
    g.greedy = p.at("greedy").get<std::vector<engine::TokenId>>();
    g.final_logits = p.at("final_logits").get<std::vector<float>>();
    out.push_back(std::move(g));
  }
  return out;
}

inline std::unique_ptr<CpuModelRunner> load_runner(const std::string& name, std::int64_t num_blocks = 64,
                                                   std::int64_t block_size = 16) {
  ModelConfig config = load_model_config(model_dir(name) / "config.json");
  ModelWeights weights = load_weights(model_dir(name), config);
  return std::make_unique<CpuModelRunner>(std::move(config), std::move(weights), num_blocks, block_size);
}

// max |a - b| / max(1, max |b|): the error relative to the row's scale
// (logits near zero make a per-element ratio meaningless).
inline double row_rel_error(std::span<const float> got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  double scale = 1.0, err = 0.0;
  for (float w : want) scale = std::max(scale, static_cast<double>(std::fabs(w)));
  for (std::size_t i = 0; i < want.size(); ++i)
    err = std::max(err, std::fabs(static_cast<double>(got[i]) - static_cast<double>(want[i])));
  return err / scale;
}

inline constexpr double kRelTol = 1e-4;

// One sequence in consecutive blocks starting at `first_block`, all of
// `tokens` computed this step, logits at `logits_positions`.
inline engine::ModelBatch single_batch(const std::vector<engine::TokenId>& tokens, std::int64_t block_size,
                                       std::vector<std::int32_t> logits_positions, engine::BlockId first_block = 0) {
  engine::ModelBatch b;
  b.block_size = block_size;
  const auto n = static_cast<std::int64_t>(tokens.size());
  b.query_start = {0, static_cast<std::int32_t>(n)};
  b.seq_lens = {static_cast<std::int32_t>(n)};
  std::vector<engine::BlockId> table;
  for (std::int64_t i = 0; i < (n + block_size - 1) / block_size; ++i)
    table.push_back(first_block + static_cast<engine::BlockId>(i));
  for (std::int64_t p = 0; p < n; ++p) {
    b.token_ids.push_back(tokens[static_cast<std::size_t>(p)]);
    b.positions.push_back(static_cast<std::int32_t>(p));
    b.slot_mapping.push_back(table[static_cast<std::size_t>(p / block_size)] * block_size + p % block_size);
  }
  b.block_tables = {table};
  b.logits_indices = std::move(logits_positions);
  return b;
}

}  // namespace llmctl::backend::cpu::test
