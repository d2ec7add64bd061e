#include "text/tokenizer/tokenizer.hpp"

#include "text/tokenizer/bpe.hpp"
#include "text/tokenizer/decoder.hpp"
#include "text/tokenizer/normalizer.hpp"
#include "text/tokenizer/post_processor.hpp"
#include "text/tokenizer/pre_tokenizer.hpp"
#include "text/tokenizer/unicode.hpp"
#include "util/error.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace llmctl::tok {

using Json = nlohmann::json;

struct Tokenizer::Impl {
  std::unique_ptr<Normalizer> normalizer;
  std::vector<std::unique_ptr<PreTokenizer>> pre_tokenizers;
  std::unique_ptr<BpeModel> model;
  std::unique_ptr<Decoder> decoder;
  PostProcessor post;
  AddedVocabulary added;
  std::unordered_map<std::uint32_t, std::size_t> added_by_id;  // id -> index in added.tokens()
  std::vector<bool> special;                                   // by id
  std::size_t vocab_size = 0;

  // Pre-tokenizes one normalized piece and runs the model on every word.
  void tokenize_piece(Piece&& piece, std::vector<std::uint32_t>& ids) const {
    if (piece.text.empty()) return;
    auto sink = [&](std::string_view word) { model->tokenize(word, ids); };
    if (pre_tokenizers.empty()) {
      sink(piece.text);
      return;
    }
    if (pre_tokenizers.size() == 1) {
      pre_tokenizers.front()->emit(std::move(piece), sink);
      return;
    }
    std::vector<Piece> pieces;
    pieces.push_back(std::move(piece));
    for (std::size_t i = 0; i + 1 < pre_tokenizers.size(); ++i) pre_tokenizers[i]->pre_tokenize(pieces);
    for (Piece& p : pieces) pre_tokenizers.back()->emit(std::move(p), sink);
  }
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_json(const Json& spec) {
  auto impl = std::make_unique<Impl>();
  const Json& model = spec.at("model");
  const std::string model_type = model.value("type", std::string("BPE"));
  if (model_type != "BPE") {
    throw std::invalid_argument("unsupported model type '" + model_type + "' (only BPE tokenizers are supported)");
  }
  const Json null;
  const Json& pre = spec.contains("pre_tokenizer") ? spec.at("pre_tokenizer") : null;
  // Byte-level fast path: with ByteLevel as the last pre-tokenizer step the
  // model sees raw bytes instead of their byte-level characters (same ids).
  const bool byte_mode = ends_with_byte_level(pre) && BpeModel::byte_mode_possible(model);
  impl->model = std::make_unique<BpeModel>(model, byte_mode);
  impl->normalizer = make_normalizer(spec.contains("normalizer") ? spec.at("normalizer") : null);
  impl->pre_tokenizers = make_pre_tokenizers(pre, PreTokenizerOptions{byte_mode});
  impl->decoder = make_decoder(spec.contains("decoder") ? spec.at("decoder") : null);
  impl->post = make_post_processor(spec.contains("post_processor") ? spec.at("post_processor") : null);

  std::vector<AddedToken> added;
  if (spec.contains("added_tokens")) {
    for (const Json& t : spec.at("added_tokens")) {
      AddedToken a;
      a.id = t.at("id").get<std::uint32_t>();
      a.content = t.at("content").get<std::string>();
      a.special = t.value("special", false);
      a.single_word = t.value("single_word", false);
      a.lstrip = t.value("lstrip", false);
      a.rstrip = t.value("rstrip", false);
      a.normalized = t.value("normalized", !a.special);
      if (a.content.empty()) continue;  // HF ignores empty added tokens
      added.push_back(std::move(a));
    }
  }
  impl->added = AddedVocabulary(std::move(added), impl->normalizer.get());

  std::unordered_set<std::string> special_contents;
  std::size_t max_id = impl->model->vocab_size() == 0 ? 0 : impl->model->vocab_size() - 1;
  std::size_t extra = 0;
  const auto& tokens = impl->added.tokens();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    impl->added_by_id[tokens[i].id] = i;
    if (tokens[i].special) special_contents.insert(tokens[i].content);
    max_id = std::max<std::size_t>(max_id, tokens[i].id);
    if (impl->model->id_to_token(tokens[i].id) == nullptr) ++extra;
  }
  impl->vocab_size = impl->model->vocab_size() + extra;
  impl->special.assign(max_id + 1, false);
  for (std::uint32_t id = 0; id <= max_id; ++id) {
    const auto it = impl->added_by_id.find(id);
    const std::string* text = it != impl->added_by_id.end() ? &tokens[it->second].content : impl->model->id_to_token(id);
    if (text != nullptr && special_contents.count(*text) != 0) impl->special[id] = true;
  }
  return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw runtime_error("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  Json spec;
  try {
    spec = Json::parse(buffer.str());
  } catch (const std::exception& e) {
    throw runtime_error(path.string() + " is not valid JSON: " + e.what());
  }
  try {
    return from_json(spec);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw runtime_error("cannot load tokenizer " + path.string() + ": " + e.what());
  }
}

std::vector<std::uint32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  const Impl& m = *impl_;
  std::string sanitized;
  if (!unicode::is_valid(text)) {
    sanitized = unicode::sanitize(text);
    text = sanitized;
  }
  std::vector<std::uint32_t> ids;
  ids.reserve(text.size() / 3 + 8);
  std::vector<Segment> segments;
  if (m.added.has_tokens(false)) {
    m.added.split(text, false, segments);
  } else if (!text.empty()) {
    segments.push_back({0, text.size(), -1});
  }
  std::vector<Segment> inner;
  for (const Segment& seg : segments) {
    if (seg.id >= 0) {
      ids.push_back(static_cast<std::uint32_t>(seg.id));
      continue;
    }
    Piece piece;
    piece.text.assign(text, seg.begin, seg.end - seg.begin);
    // The bytes of the input's first character are at original offset 0.
    piece.origin = seg.begin == 0 ? unicode::sequence_length(static_cast<unsigned char>(text[0])) : 0;
    if (m.normalizer) m.normalizer->normalize(piece);
    if (!m.added.has_tokens(true)) {
      m.tokenize_piece(std::move(piece), ids);
      continue;
    }
    inner.clear();
    m.added.split(piece.text, true, inner);
    for (const Segment& sub : inner) {
      if (sub.id >= 0) {
        ids.push_back(static_cast<std::uint32_t>(sub.id));
        continue;
      }
      Piece p;
      p.text.assign(piece.text, sub.begin, sub.end - sub.begin);
      p.origin = piece.origin > sub.begin ? std::min(sub.end, piece.origin) - sub.begin : 0;
      m.tokenize_piece(std::move(p), ids);
    }
  }
  if (add_special_tokens) m.post.apply(ids);
  return ids;
}

std::string Tokenizer::decode(std::span<const std::uint32_t> ids, bool skip_special_tokens) const {
  const Impl& m = *impl_;
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const std::uint32_t id : ids) {
    const auto it = m.added_by_id.find(id);
    const std::string* text =
        it != m.added_by_id.end() ? &m.added.tokens()[it->second].content : m.model->id_to_token(id);
    if (text == nullptr) continue;
    if (skip_special_tokens && is_special(id)) continue;
    tokens.push_back(*text);
  }
  if (m.decoder) {
    m.decoder->decode_chain(tokens);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
  }
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += tokens[i];
  }
  return out;
}

std::optional<std::uint32_t> Tokenizer::token_to_id(std::string_view token) const {
  for (const AddedToken& t : impl_->added.tokens()) {
    if (t.content == token) return t.id;
  }
  return impl_->model->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(std::uint32_t id) const {
  const auto it = impl_->added_by_id.find(id);
  if (it != impl_->added_by_id.end()) return impl_->added.tokens()[it->second].content;
  if (const std::string* t = impl_->model->id_to_token(id)) return *t;
  return std::nullopt;
}

bool Tokenizer::is_special(std::uint32_t id) const { return id < impl_->special.size() && impl_->special[id]; }

std::size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added.tokens(); }

}  // namespace llmctl::tok
