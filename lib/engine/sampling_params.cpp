#include "engine/sampling_params.hpp"

#include "util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace llmctl::engine {

namespace {

// A double as Python's str() writes it ("2.5", "3.0", "inf"), so the
// messages read exactly as vLLM's.
std::string py_float(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";  // "3" -> "3.0"; not "inf"/"nan"/"1e+20"
  return text;
}

[[noreturn]] void invalid(const std::string& message) { throw usage_error(message); }

void add_unique(std::vector<TokenId>& ids, TokenId id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

}  // namespace

void SamplingParams::verify_and_normalize() {
  if (temperature > 0.0 && temperature < kMinPositiveTemperature) temperature = kMinPositiveTemperature;
  if (seed && *seed == -1) seed.reset();
  if (top_k == -1) top_k = 0;
  std::vector<TokenId> unique_stop_ids;
  for (TokenId id : stop_token_ids) add_unique(unique_stop_ids, id);
  stop_token_ids = std::move(unique_stop_ids);

  if (n < 1) invalid(fmt::format("n must be at least 1, got {}.", n));
  if (!(presence_penalty >= -2.0 && presence_penalty <= 2.0))
    invalid("presence_penalty must be in [-2, 2], got " + py_float(presence_penalty) + ".");
  if (!(frequency_penalty >= -2.0 && frequency_penalty <= 2.0))
    invalid("frequency_penalty must be in [-2, 2], got " + py_float(frequency_penalty) + ".");
  if (!std::isfinite(repetition_penalty))
    invalid("repetition_penalty must be a finite number, got " + py_float(repetition_penalty) + ".");
  if (repetition_penalty <= 0.0)
    invalid("repetition_penalty must be greater than zero, got " + py_float(repetition_penalty) + ".");
  if (!std::isfinite(temperature))
    invalid("temperature must be a finite number, got " + py_float(temperature) + ".");
  if (temperature < 0.0) invalid("temperature must be non-negative, got " + py_float(temperature) + ".");
  if (temperature > 2.0) invalid("temperature must be in [0, 2], got " + py_float(temperature) + ".");
  if (!(top_p > 0.0 && top_p <= 1.0)) invalid("top_p must be in (0, 1], got " + py_float(top_p) + ".");
  if (top_k < 0) invalid(fmt::format("top_k must be 0 (disable), or at least 1, got {}.", top_k));
  if (!(min_p >= 0.0 && min_p <= 1.0)) invalid("min_p must be in [0, 1], got " + py_float(min_p) + ".");
  if (max_tokens && *max_tokens < 1) invalid(fmt::format("max_tokens must be at least 1, got {}.", *max_tokens));
  if (min_tokens < 0)
    invalid(fmt::format("min_tokens must be greater than or equal to 0, got {}.", min_tokens));
  if (max_tokens && min_tokens > *max_tokens)
    invalid(fmt::format("min_tokens must be less than or equal to max_tokens={}, got {}.", *max_tokens,
                        min_tokens));
  if (logprobs && *logprobs != -1 && *logprobs < 0)
    invalid(fmt::format("logprobs must be non-negative or -1, got {}.", *logprobs));
  for (TokenId id : stop_token_ids)
    if (id < 0) invalid(fmt::format("stop_token_ids must contain only token ids (>= 0), got {}.", id));
  for (const std::string& s : stop)
    if (s.empty()) invalid("stop cannot contain an empty string.");

  if (greedy()) {
    // Greedy sampling takes the argmax; these filters only remove tokens
    // below the maximum, so they cannot change it.
    top_p = 1.0;
    top_k = 0;
    min_p = 0.0;
    if (n > 1) invalid(fmt::format("n must be 1 when using greedy sampling, got {}.", n));
  }
  for (TokenId id : stop_token_ids) add_unique(all_stop_token_ids, id);
}

void SamplingParams::set_eos_tokens(std::optional<TokenId> tokenizer_eos, std::span<const TokenId> generation_eos) {
  if (!ignore_eos) eos_token_id = tokenizer_eos;
  if (tokenizer_eos) add_unique(all_stop_token_ids, *tokenizer_eos);
  for (TokenId id : generation_eos) {
    if (tokenizer_eos && id == *tokenizer_eos) continue;  // handled as the EOS itself
    add_unique(all_stop_token_ids, id);
    if (!ignore_eos) add_unique(stop_token_ids, id);
  }
}

SamplingParams SamplingParams::for_parallel_sample(std::int64_t index) const {
  SamplingParams child = *this;
  child.n = 1;
  if (seed) child.seed = *seed + index;
  return child;
}

namespace {

std::optional<double> number_field(const Json& config, std::string_view key, std::optional<double> hf_default) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (!it->is_number())
    throw runtime_error(fmt::format("generation_config.json: \"{}\" must be a number, got {}", key, it->dump()));
  double value = it->get<double>();
  if (hf_default && value == *hf_default) return std::nullopt;  // not in to_diff_dict()
  return value;
}

std::optional<std::int64_t> integer_field(const Json& config, std::string_view key,
                                          std::optional<std::int64_t> hf_default) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer())
    throw runtime_error(fmt::format("generation_config.json: \"{}\" must be an integer, got {}", key, it->dump()));
  std::int64_t value = it->get<std::int64_t>();
  if (hf_default && value == *hf_default) return std::nullopt;
  return value;
}

}  // namespace

GenerationConfig parse_generation_config(const Json& config) {
  if (!config.is_object()) throw runtime_error("generation_config.json: expected a JSON object");
  GenerationConfig out;
  // transformers' GenerationConfig defaults: temperature 1.0, top_p 1.0,
  // top_k 50, repetition_penalty 1.0, min_p and max_new_tokens unset.
  out.temperature = number_field(config, "temperature", 1.0);
  out.top_p = number_field(config, "top_p", 1.0);
  out.top_k = integer_field(config, "top_k", 50);
  out.min_p = number_field(config, "min_p", std::nullopt);
  out.repetition_penalty = number_field(config, "repetition_penalty", 1.0);
  out.max_new_tokens = integer_field(config, "max_new_tokens", std::nullopt);
  if (auto it = config.find("eos_token_id"); it != config.end() && !it->is_null()) {
    auto token = [&](const Json& value) {
      if (!value.is_number_integer())
        throw runtime_error("generation_config.json: \"eos_token_id\" must be an integer or a list of integers");
      return value.get<TokenId>();
    };
    if (it->is_array()) {
      for (const Json& value : *it) add_unique(out.eos_token_ids, token(value));
    } else {
      out.eos_token_ids.push_back(token(*it));
    }
  }
  return out;
}

SamplingParams default_sampling_params(const GenerationConfig& config) {
  SamplingParams params;
  if (config.temperature) params.temperature = *config.temperature;
  if (config.top_p) params.top_p = *config.top_p;
  if (config.top_k) params.top_k = *config.top_k;
  if (config.min_p) params.min_p = *config.min_p;
  if (config.repetition_penalty) params.repetition_penalty = *config.repetition_penalty;
  if (config.max_new_tokens) params.max_tokens = *config.max_new_tokens;
  return params;
}

}  // namespace llmctl::engine
