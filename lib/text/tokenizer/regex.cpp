#include "text/tokenizer/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdexcept>

namespace llmctl::tok {

struct Regex::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  ~Code() { pcre2_code_free(code); }
};

namespace {

constexpr std::string_view kWordClass = "\\p{L}\\p{M}\\p{Nd}\\p{Pc}";

// Property names that are not scripts (general categories are at most two letters).
bool is_script_name(std::string_view name) {
  if (name.size() <= 2 || name == "Any" || name == "L&") return false;
  for (const std::string_view other : {"Alphabetic", "Alpha", "White_Space", "Uppercase", "Lowercase", "Letter",
                                       "Number", "Punctuation", "Symbol", "Mark", "Separator", "Other"}) {
    if (name == other) return false;
  }
  return true;
}

// \p{Script} -> \p{sc:Script}: PCRE2 10.40+ matches a script name against
// Script_Extensions (U+3002 。 is then Han), Oniguruma against Script only.
std::size_t translate_property(std::string_view p, std::size_t i, std::string& out) {
  // p[i] is 'p' or 'P' after a backslash, p[i + 1] should be '{'.
  const std::size_t close = p.find('}', i);
  if (i + 1 >= p.size() || p[i + 1] != '{' || close == std::string_view::npos) {
    out.push_back('\\');
    out.push_back(p[i]);
    return i;
  }
  std::string_view name = p.substr(i + 2, close - i - 2);
  out.push_back('\\');
  out.push_back(p[i]);
  out.push_back('{');
  if (!name.empty() && name[0] == '^') {
    out.push_back('^');
    name.remove_prefix(1);
  }
  if (is_script_name(name) && name.find(':') == std::string_view::npos) out += "sc:";
  out += name;
  out.push_back('}');
  return close;
}

}  // namespace

std::string translate_oniguruma(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 16);
  int class_depth = 0;  // inside [...] (nested classes are Oniguruma syntax too)
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[i + 1];
      ++i;
      const bool in_class = class_depth > 0;
      switch (e) {
        case 's': out += in_class ? "\\s\\x{85}" : "[\\s\\x{85}]"; break;
        case 'S': out += in_class ? "\\S" : "[^\\s\\x{85}]"; break;
        case 'w': out += in_class ? std::string(kWordClass) : "[" + std::string(kWordClass) + "]"; break;
        case 'W': out += in_class ? "\\W" : "[^" + std::string(kWordClass) + "]"; break;
        case 'h': out += in_class ? "0-9a-fA-F" : "[0-9a-fA-F]"; break;
        case 'H': out += in_class ? "\\H" : "[^0-9a-fA-F]"; break;
        case 'p':
        case 'P': i = translate_property(p, i, out); break;
        default:
          out.push_back('\\');
          out.push_back(e);
      }
      continue;
    }
    if (c == '[') {
      ++class_depth;
      out.push_back(c);
      // A ']' right after '[' or '[^' is a literal, not the end of the class.
      if (i + 1 < p.size() && p[i + 1] == '^') out.push_back(p[++i]);
      if (i + 1 < p.size() && p[i + 1] == ']') out.push_back(p[++i]);
      continue;
    }
    if (c == ']' && class_depth > 0) --class_depth;
    out.push_back(c);
  }
  return out;
}

Regex::Regex(std::string_view pattern) : source_(pattern) {
  const std::string translated = translate_oniguruma(pattern);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                   PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    throw std::invalid_argument("regex /" + std::string(pattern) + "/ does not compile at offset " +
                                std::to_string(offset) + ": " + reinterpret_cast<const char*>(message));
  }
  auto owned = std::make_shared<Code>();
  owned->code = code;
  // JIT is an optimisation only: interpretation gives the same matches.
  owned->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  code_ = std::move(owned);
}

Regex Regex::literal(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!plain) {
      if (u < 0x20 || u == 0x7F) {
        static constexpr char kHex[] = "0123456789abcdef";
        escaped += "\\x{";
        escaped.push_back(kHex[u >> 4]);
        escaped.push_back(kHex[u & 15]);
        escaped.push_back('}');
        continue;
      }
      escaped.push_back('\\');
    }
    escaped.push_back(c);
  }
  Regex r(escaped);
  r.source_ = std::string(text);
  return r;
}

void* Regex::new_match_data() const {
  return pcre2_match_data_create_from_pattern(code_->code, nullptr);
}

void Regex::free_match_data(void* match_data) {
  pcre2_match_data_free(static_cast<pcre2_match_data*>(match_data));
}

bool Regex::search(std::string_view text, std::size_t start, void* match_data, std::size_t& begin,
                   std::size_t& end) const {
  auto* md = static_cast<pcre2_match_data*>(match_data);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  int rc = PCRE2_ERROR_JIT_BADOPTION;
  if (code_->jit) rc = pcre2_jit_match(code_->code, subject, text.size(), start, 0, md, nullptr);
  if (!code_->jit || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    // The callers sanitize input to valid UTF-8 first, so the check is redundant.
    rc = pcre2_match(code_->code, subject, text.size(), start, PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, md, nullptr);
  }
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  if (rc < 0) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(rc, message, sizeof message);
    throw std::runtime_error("regex /" + source_ + "/ failed: " + reinterpret_cast<const char*>(message));
  }
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  begin = ov[0];
  end = ov[1];
  return true;
}

std::vector<std::pair<std::size_t, std::size_t>> Regex::find_all(std::string_view text) const {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for_each(text, [&](std::size_t b, std::size_t e) { out.emplace_back(b, e); });
  return out;
}

std::vector<Span> Regex::partition(std::string_view text) const {
  std::vector<Span> spans;
  if (text.empty()) {
    spans.push_back({0, 0, false});
    return spans;
  }
  std::size_t prev = 0;
  for_each(text, [&](std::size_t b, std::size_t e) {
    if (prev != b) spans.push_back({prev, b, false});
    spans.push_back({b, e, true});
    prev = e;
  });
  if (prev != text.size()) spans.push_back({prev, text.size(), false});
  return spans;
}

}  // namespace llmctl::tok
