#include "bench/dataset.hpp"

#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <unordered_set>

namespace llmctl::bench {

namespace {

// Ids a random prompt may use: the base vocabulary without added/special tokens.
std::vector<std::uint32_t> plain_ids(const tok::Tokenizer& tokenizer) {
  std::unordered_set<std::uint32_t> added;
  for (const auto& t : tokenizer.added_tokens()) added.insert(t.id);
  std::vector<std::uint32_t> ids;
  ids.reserve(tokenizer.vocab_size());
  for (std::uint32_t id = 0; id < tokenizer.vocab_size(); ++id) {
    if (!added.contains(id) && !tokenizer.is_special(id)) ids.push_back(id);
  }
  return ids;
}

std::string random_prompt_with(const tok::Tokenizer& tokenizer, const std::vector<std::uint32_t>& vocab,
                               std::int64_t length, std::mt19937_64& rng, std::int64_t* actual) {
  if (length <= 0 || vocab.empty()) {
    if (actual != nullptr) *actual = 0;
    return {};
  }
  std::uniform_int_distribution<std::size_t> pick(0, vocab.size() - 1);
  const std::size_t offset = pick(rng);
  std::vector<std::uint32_t> ids;
  for (std::int64_t i = 0; i < length; ++i) ids.push_back(vocab[(offset + static_cast<std::size_t>(i)) % vocab.size()]);
  std::string text;
  std::vector<std::uint32_t> encoded;
  // Decoding and re-encoding merges or splits tokens at the seams; adjust and retry
  // (vLLM's gen_prompt_decode_to_target_len).
  for (int attempt = 0; attempt < 10; ++attempt) {
    text = tokenizer.decode(ids, true);
    encoded = tokenizer.encode(text, false);
    const auto n = static_cast<std::int64_t>(encoded.size());
    if (n == length) break;
    if (n > length) {
      encoded.resize(static_cast<std::size_t>(length));
    } else {
      for (std::int64_t i = n; i < length; ++i) encoded.push_back(vocab[pick(rng)]);
    }
    ids = encoded;
  }
  if (actual != nullptr) *actual = static_cast<std::int64_t>(tokenizer.encode(text, false).size());
  return text;
}

std::string word_prompt(std::int64_t length, std::mt19937_64& rng) {
  static constexpr const char* kWords[] = {"the", "of", "and", "to", "in", "is", "that", "for", "it", "as",
                                            "was", "with", "be", "by", "on", "not", "he", "this", "are", "or",
                                            "his", "from", "at", "which", "but", "have", "an", "had", "they", "you"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  std::string text;
  for (std::int64_t i = 0; i < length; ++i) {
    if (i > 0) text.push_back(' ');
    text += kWords[pick(rng)];
  }
  return text;
}

std::int64_t scaled(std::int64_t base, double ratio, bool upper) {
  const double v = static_cast<double>(base) * (upper ? 1.0 + ratio : 1.0 - ratio);
  return static_cast<std::int64_t>(upper ? std::ceil(v) : std::floor(v));
}

std::vector<SampleRequest> random_dataset(const DatasetOptions& o, const tok::Tokenizer* tokenizer,
                                          const std::function<void(const std::string&)>& warn) {
  if (o.range_ratio < 0 || o.range_ratio >= 1) throw usage_error("--range-ratio must be in [0, 1)");
  std::mt19937_64 rng(o.seed);
  std::uniform_int_distribution<std::int64_t> in_len(std::max<std::int64_t>(1, scaled(o.input_len, o.range_ratio, false)),
                                                     std::max<std::int64_t>(1, scaled(o.input_len, o.range_ratio, true)));
  std::uniform_int_distribution<std::int64_t> out_len(std::max<std::int64_t>(1, scaled(o.output_len, o.range_ratio, false)),
                                                      std::max<std::int64_t>(1, scaled(o.output_len, o.range_ratio, true)));
  std::vector<std::uint32_t> vocab;
  if (tokenizer != nullptr) vocab = plain_ids(*tokenizer);
  else if (warn) warn("no tokenizer (--tokenizer DIR): random prompts are plain words, about one token each; "
                      "input token counts come from the server's usage when it reports them");
  std::vector<SampleRequest> out;
  for (std::int64_t i = 0; i < o.num_prompts; ++i) {
    SampleRequest r;
    const std::int64_t n = in_len(rng);
    r.expected_output_len = out_len(rng);
    if (tokenizer != nullptr) {
      r.prompt = random_prompt_with(*tokenizer, vocab, n, rng, &r.prompt_len);
    } else {
      r.prompt = word_prompt(n, rng);
      r.prompt_len = 0;  // unknown
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t count_tokens(const tok::Tokenizer* tokenizer, const std::string& text) {
  if (tokenizer != nullptr) return static_cast<std::int64_t>(tokenizer->encode(text, false).size());
  return 0;
}

std::vector<SampleRequest> sharegpt_dataset(const DatasetOptions& o, const tok::Tokenizer* tokenizer,
                                            const std::function<void(const std::string&)>& warn) {
  std::ifstream in(o.path);
  if (!in) throw runtime_error(fmt::format("cannot read the ShareGPT file {}", o.path));
  nlohmann::json data;
  try {
    data = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw runtime_error(fmt::format("{} is not JSON: {}", o.path, e.what()));
  }
  if (!data.is_array()) throw runtime_error(fmt::format("{}: a ShareGPT file is a JSON list of conversations", o.path));
  if (tokenizer == nullptr && !o.output_len_given)
    throw usage_error("--dataset sharegpt needs --tokenizer (the replies' token counts) or --output-len");
  if (tokenizer == nullptr && warn) warn("no tokenizer: ShareGPT prompts are not length-filtered");
  std::vector<SampleRequest> out;
  for (const auto& entry : data) {
    const auto conv = entry.find("conversations");
    if (conv == entry.end() || !conv->is_array() || conv->size() < 2) continue;
    const auto text = [](const nlohmann::json& turn) {
      const auto v = turn.find("value");
      return v != turn.end() && v->is_string() ? v->get<std::string>() : std::string();
    };
    SampleRequest r;
    r.prompt = text((*conv)[0]);
    r.prompt_len = count_tokens(tokenizer, r.prompt);
    r.expected_output_len = o.output_len_given ? o.output_len : count_tokens(tokenizer, text((*conv)[1]));
    if (tokenizer != nullptr) {
      if (r.prompt_len < 4 || r.expected_output_len < 4) continue;
      if (r.prompt_len > 1024 || r.prompt_len + r.expected_output_len > 2048) continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<SampleRequest> jsonl_dataset(const DatasetOptions& o, const tok::Tokenizer* tokenizer) {
  std::ifstream in(o.path);
  if (!in) throw runtime_error(fmt::format("cannot read the JSONL file {}", o.path));
  std::vector<SampleRequest> out;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("prompt") || !j["prompt"].is_string())
      throw runtime_error(fmt::format("{}:{}: expected an object with a string \"prompt\"", o.path, lineno));
    SampleRequest r;
    r.prompt = j["prompt"].get<std::string>();
    r.prompt_len = count_tokens(tokenizer, r.prompt);
    r.expected_output_len = o.output_len;
    for (const char* key : {"output_tokens", "max_tokens"}) {
      if (!o.output_len_given && j.contains(key) && j[key].is_number_integer()) r.expected_output_len = j[key].get<std::int64_t>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::string random_prompt(const tok::Tokenizer& tokenizer, std::int64_t length, std::uint64_t seed,
                          std::int64_t* actual_length) {
  std::mt19937_64 rng(seed);
  return random_prompt_with(tokenizer, plain_ids(tokenizer), length, rng, actual_length);
}

std::vector<SampleRequest> load_dataset(const DatasetOptions& options, const tok::Tokenizer* tokenizer,
                                        const std::function<void(const std::string&)>& warn) {
  if (options.num_prompts <= 0) throw usage_error("--num-prompts must be positive");
  if (options.name == "random") return random_dataset(options, tokenizer, warn);
  std::vector<SampleRequest> pool;
  if (options.name == "sharegpt") pool = sharegpt_dataset(options, tokenizer, warn);
  else if (options.name == "jsonl") pool = jsonl_dataset(options, tokenizer);
  else throw usage_error(fmt::format("unknown dataset '{}'", options.name), "use random, sharegpt FILE or jsonl FILE");
  if (pool.empty()) throw runtime_error(fmt::format("{} holds no usable prompts", options.path));
  std::mt19937_64 rng(options.seed);
  std::shuffle(pool.begin(), pool.end(), rng);
  std::vector<SampleRequest> out;
  for (std::int64_t i = 0; i < options.num_prompts; ++i) out.push_back(pool[static_cast<std::size_t>(i) % pool.size()]);
  if (static_cast<std::int64_t>(pool.size()) < options.num_prompts && warn)
    warn(fmt::format("{} has {} prompts; reusing them for --num-prompts {}", options.path, pool.size(), options.num_prompts));
  return out;
}

}  // namespace llmctl::bench
