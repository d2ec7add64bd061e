#include "tokenize.hpp"

#include "text_model.hpp"

#include "text/tokenizer/tokenizer.hpp"
#include "util/error.hpp"

#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace llmctl::cmd {

CLI::App* register_tokenize(CLI::App& root, TokenizeOptions& o) {
  auto* app = root.add_subcommand("tokenize", "Turn text into a model's token ids (identical to Hugging Face)");
  app->add_option("model", o.model,
                  "Model: a directory with tokenizer.json, a tokenizer.json path, or a catalog alias / HF id "
                  "pulled into the local cache")
      ->required()
      ->type_name("MODEL");
  app->add_option("text", o.text, "Text to tokenize (or ids to decode with --decode)");
  app->add_option("-f,--file", o.file, "Read the text from a file ('-' for stdin)")->type_name("FILE");
  app->add_flag("--no-special", o.no_special, "Do not add the model's BOS/EOS (add_special_tokens=False)");
  app->add_flag("--count-only", o.count_only, "Print only the number of tokens");
  app->add_flag("--lines", o.lines, "Tokenize each line separately (counts add up)");
  app->add_flag("--decode", o.decode, "Decode ids (space or comma separated) back to text");
  app->add_flag("--skip-special", o.skip_special, "With --decode: leave special tokens out");
  cli::add_output_option(*app, o.output);
  cli::set_examples(*app,
                    "  llmctl tokenize ./Qwen3-0.6B/ \"Hello, world!\"\n"
                    "  llmctl tokenize Qwen/Qwen3-0.6B \"Hello\" -o json        # after `llmctl pull`\n"
                    "  llmctl tokenize ./tokenizer.json --file prompt.txt --count-only\n"
                    "  llmctl tokenize ./Qwen3-0.6B/ --decode \"9707 11 1879 0\"\n");
  return app;
}

namespace {

std::string read_input(const TokenizeOptions& o) {
  if (o.file.empty()) return o.text;
  if (!o.text.empty()) throw usage_error("give the text as an argument or with --file, not both");
  std::ostringstream buffer;
  if (o.file == "-") {
    buffer << std::cin.rdbuf();
  } else {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) throw runtime_error("cannot read " + o.file);
    buffer << in.rdbuf();
  }
  return buffer.str();
}

// A piece as a table shows it: JSON-style escapes for control characters.
std::string printable(const std::string& s) {
  const std::string quoted = Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

std::vector<std::uint32_t> parse_ids(const std::string& text) {
  std::vector<std::uint32_t> ids;
  std::string token;
  std::istringstream in(text);
  while (in >> token) {
    std::istringstream parts(token);
    for (std::string part; std::getline(parts, part, ',');) {
      if (part.empty()) continue;
      try {
        std::size_t used = 0;
        const unsigned long value = std::stoul(part, &used);
        if (used != part.size() || value > 0xFFFFFFFFul) throw std::invalid_argument(part);
        ids.push_back(static_cast<std::uint32_t>(value));
      } catch (const std::exception&) {
        throw usage_error("'" + part + "' is not a token id", "--decode takes ids separated by spaces or commas");
      }
    }
  }
  return ids;
}

}  // namespace

int run_tokenize(const TokenizeOptions& o) {
  const auto format = parse_output_format(o.output);
  const std::filesystem::path dir = tokenizer_dir(o.model, "tokenizer.json");
  const std::filesystem::path file =
      std::filesystem::is_regular_file(o.model) ? std::filesystem::path(o.model) : dir / "tokenizer.json";
  if (!std::filesystem::exists(file)) {
    throw runtime_error("no tokenizer.json for " + o.model + ": pull the model with `llmctl pull " + o.model +
                        "` or pass a directory containing tokenizer.json");
  }
  const tok::Tokenizer tokenizer = tok::Tokenizer::from_file(file);
  const std::string input = read_input(o);

  if (o.decode) {
    const std::string text = tokenizer.decode(parse_ids(input), o.skip_special);
    emit(std::cout, format, Json{{"text", text}}, [&] { return text + "\n"; });
    return 0;
  }

  // The timing covers encoding only (not loading), for throughput comparisons.
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::uint32_t> ids;
  std::size_t count = 0;
  if (o.lines) {
    std::size_t begin = 0;
    while (begin <= input.size()) {
      std::size_t end = input.find('\n', begin);
      if (end == std::string::npos) end = input.size();
      if (end > begin || end < input.size()) {
        const auto line_ids = tokenizer.encode(std::string_view(input).substr(begin, end - begin), !o.no_special);
        count += line_ids.size();
        if (!o.count_only) ids.insert(ids.end(), line_ids.begin(), line_ids.end());
      }
      begin = end + 1;
    }
  } else {
    ids = tokenizer.encode(input, !o.no_special);
    count = ids.size();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (o.count_only) {
    Json data{{"count", count}, {"bytes", input.size()}, {"encode_seconds", seconds}};
    emit(std::cout, format, data, [&] { return std::to_string(count) + "\n"; });
    return 0;
  }
  Json pieces = Json::array();
  for (const auto id : ids) pieces.push_back(tokenizer.id_to_token(id).value_or(""));
  Json data{{"count", count}, {"ids", ids}, {"pieces", pieces}};
  emit(std::cout, format, data, [&] {
    Table table{{"#", "ID", "PIECE", "TEXT"}, {Align::right, Align::right}, {}};
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::uint32_t one[] = {ids[i]};
      table.rows.push_back({std::to_string(i), std::to_string(ids[i]), printable(pieces[i].get<std::string>()),
                            printable(tokenizer.decode(one))});
    }
    return table.render(cli::stdout_color(*o.global)) + std::to_string(count) + " tokens\n";
  });
  return 0;
}

}  // namespace llmctl::cmd
