#include "text/tokenizer/decoder.hpp"

#include "text/tokenizer/byte_level.hpp"
#include "text/tokenizer/normalizer.hpp"
#include "text/tokenizer/unicode.hpp"

#include <stdexcept>

namespace llmctl::tok {

namespace {

using Json = nlohmann::json;

// Byte-level characters back to bytes; a token with any other character
// (an added token like "<|im_start|>" in non-ASCII) keeps its own bytes.
// Everything becomes one string, invalid UTF-8 replaced (from_utf8_lossy).
class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      const std::size_t mark = bytes.size();
      bool all = true;
      for (std::size_t i = 0; i < t.size();) {
        const int b = byte_level::byte_of(unicode::next(t, i));
        if (b < 0) {
          all = false;
          break;
        }
        bytes.push_back(static_cast<char>(b));
      }
      if (!all) {
        bytes.resize(mark);
        bytes += t;
      }
    }
    tokens.assign(1, unicode::is_valid(bytes) ? std::move(bytes) : unicode::sanitize(bytes));
  }
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool prepend) : replacement_(std::move(replacement)), prepend_(prepend) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      std::string out;
      out.reserve(t.size());
      for (std::size_t k = 0; k < t.size();) {
        if (!replacement_.empty() && t.compare(k, replacement_.size(), replacement_) == 0) {
          // Every replacement character of the first token goes (not only the leading one), as in HF.
          if (!(i == 0 && prepend_)) out.push_back(' ');
          k += replacement_.size();
          continue;
        }
        out.push_back(t[k++]);
      }
      t = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool prepend_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class ByteFallbackDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string pending;
    auto flush = [&] {
      if (pending.empty()) return;
      if (unicode::is_valid(pending)) {
        out.push_back(pending);
      } else {
        // One U+FFFD per byte when the run is not valid UTF-8 as a whole.
        for (std::size_t k = 0; k < pending.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
    };
    for (std::string& t : tokens) {
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && hex_value(t[3]) >= 0 && hex_value(t[4]) >= 0) {
        pending.push_back(static_cast<char>(hex_value(t[3]) * 16 + hex_value(t[4])));
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t content, std::size_t start, std::size_t stop) : content_(content), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) {
      std::vector<std::size_t> offsets;  // byte offset of each character
      for (std::size_t i = 0; i < t.size();) {
        offsets.push_back(i);
        unicode::next(t, i);
      }
      const std::size_t n = offsets.size();
      auto char_at = [&](std::size_t k) {
        std::size_t i = offsets[k];
        return unicode::next(t, i);
      };
      std::size_t start_cut = 0;
      for (std::size_t k = 0; k < std::min(start_, n); ++k) {
        if (char_at(k) != content_) break;
        start_cut = k + 1;
      }
      std::size_t stop_cut = n;
      for (std::size_t k = 0; k < std::min(stop_, n - start_cut); ++k) {
        const std::size_t index = n - k - 1;
        if (char_at(index) != content_) break;
        stop_cut = index;
      }
      const std::size_t b = start_cut < n ? offsets[start_cut] : t.size();
      const std::size_t e = stop_cut < n ? offsets[stop_cut] : t.size();
      t = b < e ? t.substr(b, e - b) : std::string();
    }
  }

 private:
  char32_t content_;
  std::size_t start_, stop_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) {
      std::string out;
      for (const Span& s : pattern_.partition(t)) {
        if (s.match) {
          out += content_;
        } else {
          out.append(t, s.begin, s.end - s.begin);
        }
      }
      t = std::move(out);
    }
  }

 private:
  Regex pattern_;
  std::string content_;
};

// HF BPEDecoder: the end-of-word suffix becomes a space, except on the last token.
class BpeDecoder final : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const std::string replacement = i + 1 == tokens.size() ? "" : " ";
      std::string& t = tokens[i];
      std::string out;
      for (std::size_t k = 0; k < t.size();) {
        if (!suffix_.empty() && t.compare(k, suffix_.size(), suffix_) == 0) {
          out += replacement;
          k += suffix_.size();
        } else {
          out.push_back(t[k++]);
        }
      }
      t = std::move(out);
    }
  }

 private:
  std::string suffix_;
};

class SequenceDecoder final : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& step : steps_) step->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> steps_;
};

char32_t single_char(const std::string& s, const char* what) {
  std::size_t i = 0;
  if (s.empty()) throw std::invalid_argument(std::string(what) + " must be one character");
  const char32_t c = unicode::next(s, i);
  if (i != s.size()) throw std::invalid_argument(std::string(what) + " must be one character, got '" + s + "'");
  return c;
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const Json& spec) {
  if (spec.is_null()) return nullptr;
  const std::string type = spec.at("type").get<std::string>();
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") {
    const std::string scheme = spec.value("prepend_scheme", std::string());
    const bool prepend = scheme.empty() ? spec.value("add_prefix_space", true) : scheme != "never";
    return std::make_unique<MetaspaceDecoder>(spec.value("replacement", std::string("\xE2\x96\x81")), prepend);
  }
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    return std::make_unique<StripDecoder>(single_char(spec.at("content").get<std::string>(), "Strip content"),
                                          spec.value("start", std::size_t{0}), spec.value("stop", std::size_t{0}));
  }
  if (type == "Replace") {
    return std::make_unique<ReplaceDecoder>(make_pattern(spec.at("pattern")), spec.at("content").get<std::string>());
  }
  if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(spec.value("suffix", std::string("</w>")));
  if (type == "Sequence") {
    std::vector<std::unique_ptr<Decoder>> steps;
    for (const auto& item : spec.at("decoders")) {
      if (auto step = make_decoder(item)) steps.push_back(std::move(step));
    }
    return std::make_unique<SequenceDecoder>(std::move(steps));
  }
  throw std::invalid_argument("unsupported decoder type '" + type + "'");
}

}  // namespace llmctl::tok
