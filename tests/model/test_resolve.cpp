// resolve_model: paths first, then catalog aliases / HF ids, then the local
// Hugging Face cache (built in a temporary directory), else a usage error.
#include "model/resolve.hpp"

#include "model/config_fixtures.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <random>

using namespace llmctl;
using llmctl::test::catch_error;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("llmctl-test-resolve-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    if (auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}

// huggingface_hub stores full 40-hex commit hashes in refs/ and snapshots/.
const std::string kCommitA = "0123456789abcdef0123456789abcdef01234567";
const std::string kCommitB = "89abcdef0123456789abcdef0123456789abcdef";
const std::string kCommitC = "fedcba9876543210fedcba9876543210fedcba98";

const std::string kTinyQwen = R"({"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3",
  "hidden_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
  "head_dim": 32, "intermediate_size": 256, "vocab_size": 1000})";

// A huggingface_hub-layout cache holding `id` at `commit`, with refs/main.
void cache_model(const fs::path& cache, const std::string& folder, const std::string& commit,
                 const std::string& config) {
  write(cache / folder / "refs" / "main", commit + "\n");
  write(cache / folder / "snapshots" / commit / "config.json", config);
}

fs::path tiny_llama_dir() { return llmctl::test::test_data() / "model" / "tiny-llama"; }

}  // namespace

TEST_CASE("source_kind_name") {
  CHECK(source_kind_name(ModelSourceKind::catalog) == "catalog");
  CHECK(source_kind_name(ModelSourceKind::config_file) == "config_file");
  CHECK(source_kind_name(ModelSourceKind::local_dir) == "local_dir");
  CHECK(source_kind_name(ModelSourceKind::hf_cache) == "hf_cache");
  CHECK(source_kind_name(ModelSourceKind::hub) == "hub");
}

TEST_CASE("a catalog alias or HF id resolves to the embedded config") {
  const Catalog catalog = Catalog::embedded();
  const auto env = env_of({});
  const ResolvedModel by_alias = resolve_model("qwen3-1.7b", catalog, env);
  CHECK(by_alias.name == "Qwen/Qwen3-1.7B");
  CHECK(by_alias.source == ModelSourceKind::catalog);
  CHECK(by_alias.source_detail == "built-in catalog (qwen3-1.7b)");
  REQUIRE(by_alias.catalog_entry);
  CHECK(by_alias.catalog_entry->alias == "qwen3-1.7b");
  CHECK(by_alias.config.hidden_size == 2048);
  CHECK(by_alias.model_dir.empty());

  const ResolvedModel by_id = resolve_model("qwen/QWEN3-1.7b", catalog, env);
  CHECK(by_id.name == "Qwen/Qwen3-1.7B");
  CHECK(by_id.source == ModelSourceKind::catalog);

  const ResolvedModel pinned = resolve_model("Qwen/Qwen3-1.7B@main", catalog, env);
  CHECK(pinned.revision == "main");
  CHECK(pinned.source == ModelSourceKind::catalog);
}

TEST_CASE("a config.json path or a model directory") {
  const Catalog catalog = Catalog::embedded();
  const auto env = env_of({});
  const fs::path file = tiny_llama_dir() / "config.json";
  const ResolvedModel from_file = resolve_model(file.string(), catalog, env);
  CHECK(from_file.source == ModelSourceKind::config_file);
  CHECK(from_file.name == file.string());
  CHECK(from_file.source_detail == fs::weakly_canonical(file).string());
  CHECK(from_file.config.hidden_size == 64);
  CHECK(from_file.model_dir.empty());
  CHECK_FALSE(from_file.catalog_entry);

  const ResolvedModel from_dir = resolve_model(tiny_llama_dir().string(), catalog, env);
  CHECK(from_dir.source == ModelSourceKind::local_dir);
  CHECK(from_dir.model_dir == fs::weakly_canonical(tiny_llama_dir()));
  CHECK(from_dir.config.num_hidden_layers == 2);

  TempDir tmp;
  const auto e = catch_error([&] { resolve_model(tmp.path.string(), catalog, env); });
  CHECK(e.message.find("has no config.json") != std::string::npos);
  CHECK(e.code == ExitCode::usage);
}

TEST_CASE("an existing path wins over a catalog alias of the same name") {
  TempDir tmp;
  write(tmp.path / "qwen3-1.7b" / "config.json", kTinyQwen);
  const fs::path old_cwd = fs::current_path();
  fs::current_path(tmp.path);
  const ResolvedModel r = resolve_model("qwen3-1.7b", Catalog::embedded(), env_of({}));
  fs::current_path(old_cwd);
  CHECK(r.source == ModelSourceKind::local_dir);
  CHECK(r.config.hidden_size == 128);
}

TEST_CASE("an org/name id found in the Hugging Face cache") {
  TempDir tmp;
  const fs::path cache = tmp.path / "hub";
  cache_model(cache, "models--acme--Tiny-1B", kCommitA, kTinyQwen);
  const Catalog catalog = Catalog::embedded();

  const ResolvedModel r = resolve_model("acme/Tiny-1B", catalog, env_of({{"HF_HUB_CACHE", cache.string()}}));
  CHECK(r.source == ModelSourceKind::hf_cache);
  CHECK(r.name == "acme/Tiny-1B");
  CHECK(r.model_dir == cache / "models--acme--Tiny-1B" / "snapshots" / kCommitA);
  CHECK(r.source_detail == (r.model_dir / "config.json").string());
  CHECK(r.config.family == ModelFamily::qwen3);

  // HF_HOME/hub is the fallback when HF_HUB_CACHE is unset.
  const ResolvedModel via_home = resolve_model("acme/Tiny-1B", catalog, env_of({{"HF_HOME", tmp.path.string()}}));
  CHECK(via_home.source == ModelSourceKind::hf_cache);
  // ~/.cache/huggingface/hub after that.
  cache_model(tmp.path / ".cache" / "huggingface" / "hub", "models--acme--Tiny-1B", kCommitB, kTinyQwen);
  const ResolvedModel via_user = resolve_model("acme/Tiny-1B", catalog, env_of({{"HOME", tmp.path.string()}}));
  CHECK(via_user.model_dir.filename() == kCommitB);

  // A commit hash as revision picks that snapshot directly; a branch goes through refs/.
  write(cache / "models--acme--Tiny-1B" / "snapshots" / kCommitC / "config.json", kTinyQwen);
  const auto env = env_of({{"HF_HUB_CACHE", cache.string()}});
  const ResolvedModel pinned = resolve_model("acme/Tiny-1B@" + kCommitC, catalog, env);
  CHECK(pinned.model_dir.filename() == kCommitC);
  CHECK(pinned.revision == kCommitC);
  write(cache / "models--acme--Tiny-1B" / "refs" / "v1", kCommitC);
  CHECK(resolve_model("acme/Tiny-1B@v1", catalog, env).model_dir.filename() == kCommitC);
  CHECK(catch_error([&] { resolve_model("acme/Tiny-1B@v2", catalog, env); }).code == ExitCode::usage);
}

TEST_CASE("a catalog model already in the HF cache gets its model_dir") {
  TempDir tmp;
  cache_model(tmp.path, "models--Qwen--Qwen3-1.7B", kCommitA, kTinyQwen);
  const ResolvedModel r = resolve_model("qwen3-1.7b", Catalog::embedded(), env_of({{"HF_HUB_CACHE", tmp.path.string()}}));
  CHECK(r.source == ModelSourceKind::catalog);  // the catalog still supplies the config
  CHECK(r.config.hidden_size == 2048);
  CHECK(r.model_dir == tmp.path / "models--Qwen--Qwen3-1.7B" / "snapshots" / kCommitA);
}

TEST_CASE("hf_cache_snapshot needs refs and a config.json, and stays inside the repo") {
  TempDir tmp;
  const auto env = env_of({{"HF_HUB_CACHE", tmp.path.string()}});
  CHECK_FALSE(hf_cache_snapshot("acme/Missing", "", env));
  write(tmp.path / "models--acme--NoConfig" / "refs" / "main", kCommitA);
  fs::create_directories(tmp.path / "models--acme--NoConfig" / "snapshots" / kCommitA);
  CHECK_FALSE(hf_cache_snapshot("acme/NoConfig", "", env));
  CHECK_FALSE(hf_cache_snapshot("acme/NoConfig", "../../etc", env));
  CHECK(hf_hub_cache_dir(env) == tmp.path);
  CHECK(hf_hub_cache_dir(env_of({{"HOME", "/home/u"}})) == fs::path("/home/u/.cache/huggingface/hub"));
}

TEST_CASE("unknown names are usage errors with suggestions") {
  const Catalog catalog = Catalog::embedded();
  TempDir tmp;
  const auto env = env_of({{"HF_HUB_CACHE", tmp.path.string()}});

  const auto typo = catch_error([&] { resolve_model("qwen3-17b", catalog, env); });
  CHECK(typo.code == ExitCode::usage);
  CHECK(typo.message == "unknown model 'qwen3-17b'");
  CHECK(typo.hint.find("did you mean qwen3-1.7b") == 0);
  CHECK(typo.hint.find("llmctl pull") != std::string::npos);

  const auto hub = catch_error([&] { resolve_model("acme/NotHere", catalog, env); });
  CHECK(hub.code == ExitCode::usage);
  CHECK(hub.message.find("unknown model 'acme/NotHere': not in the built-in catalog and not in the Hugging Face cache (" +
                         tmp.path.string() + ")") == 0);
  CHECK(hub.hint.find("llmctl pull acme/NotHere") != std::string::npos);

  const auto path = catch_error([&] { resolve_model("./nowhere/config.json", catalog, env); });
  CHECK(path.message == "no such file or directory: ./nowhere/config.json");

  CHECK(catch_error([&] { resolve_model("", catalog, env); }).code == ExitCode::usage);
  CHECK(catch_error([&] { resolve_model("Qwen/Qwen3-1.7B@", catalog, env); }).message.find("names no revision") !=
        std::string::npos);
}

TEST_CASE("a malformed local config is a runtime error naming the file") {
  const fs::path bad = llmctl::test::test_data() / "model" / "invalid-json" / "config.json";
  const auto e = catch_error([&] { resolve_model(bad.string(), Catalog::embedded(), env_of({})); });
  CHECK(e.code == ExitCode::runtime);
  CHECK(e.message.find(bad.string() + ": invalid JSON at line 4") == 0);
}
