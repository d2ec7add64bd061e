// The plan's failures: exit 3 with the reason and the nearest configuration
// that works; the defaults it chooses (cheapest instance, shorter context).
#include "render_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

namespace {

CaughtError render_error(const std::string& args) {
  return catch_error([&] { render_args(args); });
}

std::string arg_after(const render::RenderResult& r, const std::string& flag) {
  for (const auto& m : r.manifests) {
    if (m.object["kind"] != "Deployment") continue;
    const Json& args = m.object["spec"]["template"]["spec"]["containers"][0]["args"];
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == flag) return args[i + 1].get<std::string>();
  }
  return "";
}

}  // namespace

TEST_CASE("plan: a TP that does not divide the heads is exit 3 with the valid sizes and the nearest that fits") {
  const auto e = render_error("qwen3-1.7b --tp 3 --instance g6.12xlarge");
  CHECK(e.code == ExitCode::check_failed);
  CHECK(e.message == "Qwen/Qwen3-1.7B: --tp 3 does not divide the model's 16 attention heads");
  CHECK(e.hint.find("valid sizes: 1, 2, 4, 8, 16") != std::string::npos);
  CHECK(e.hint.ends_with("nearest configuration that works: --tp 4 on g6.12xlarge"));
}

TEST_CASE("plan: an instance that cannot hold the model is exit 3 with the nearest configuration") {
  const auto e = render_error("llama-3.1-70b --instance g6.2xlarge --context 8192");
  CHECK(e.code == ExitCode::check_failed);
  CHECK(e.message.starts_with("meta-llama/Llama-3.1-70B-Instruct does not fit g6.2xlarge: "));
  CHECK(e.hint.starts_with("nearest configuration that works: --instance "));
  const auto shorter = render_error("qwen3-8b --instance g6.xlarge --concurrency 4 --context 32768");
  CHECK(shorter.hint.starts_with("nearest configuration that works: --context "));
  CHECK(shorter.hint.find(" on g6.xlarge; or --instance ") != std::string::npos);
  const auto tp = render_error("qwen3-1.7b --tp 16 --instance g6.12xlarge");
  CHECK(tp.message == "Qwen/Qwen3-1.7B does not fit g6.12xlarge: --tp 16 needs 16 GPUs in one node; g6.12xlarge has 4");
  CHECK(tp.hint.starts_with("nearest configuration that works: --tp 1 on g6.12xlarge"));
}

TEST_CASE("plan: a model that fits nowhere is exit 3") {
  const auto e = render_error("deepseek-v3 --context 163840 --concurrency 1000");
  CHECK(e.code == ExitCode::check_failed);
  CHECK(e.message == "deepseek-ai/DeepSeek-V3 fits no instance of the catalog at 163840 tokens and 1000 sequence(s)");
  CHECK(e.hint.find("quantized") != std::string::npos);
}

TEST_CASE("plan: no instance given: the cheapest AWS instance with bf16 GPUs that holds the model") {
  const auto r = render_args("qwen3-1.7b");
  CHECK(r.manifests[1].object["spec"]["template"]["spec"]["nodeSelector"]["node.kubernetes.io/instance-type"] ==
        Json("g6.xlarge"));
  CHECK(r.notes.at(0) == "no --instance or --gpu: g6.xlarge is the cheapest aws instance that holds Qwen/Qwen3-1.7B");
}

TEST_CASE("plan: the model's whole context does not fit: the longest that does, said in a note") {
  const auto r = render_args("llama-3.1-70b --instance g6e.12xlarge");
  const std::string len = arg_after(r, "--max-model-len");
  CHECK(std::stoul(len) < 131072);
  CHECK(std::stoul(len) % 1024 == 0);
  CHECK(r.notes.back().starts_with("the model's full context (131072 tokens) fits nowhere there: --max-model-len "));
  // --context is taken as given: no silent shortening.
  CHECK(render_error("llama-3.1-70b --instance g6e.12xlarge --context 131072").code == ExitCode::check_failed);
}

TEST_CASE("plan: --concurrency is --max-num-seqs; by default as many full-context sequences as fit") {
  CHECK(arg_after(render_args("qwen3-1.7b --instance g6.2xlarge --context 8192 --concurrency 8"), "--max-num-seqs") == "8");
  CHECK(arg_after(render_args("qwen3-1.7b --instance g6.2xlarge --context 8192"), "--max-num-seqs") == "17");
  CHECK(arg_after(render_args("qwen3-1.7b --instance g6.2xlarge --context 1024"), "--max-num-seqs") == "138");
  CHECK(arg_after(render_args("qwen3-1.7b --instance g6.2xlarge --context 256"), "--max-num-seqs") == "256");  // vLLM's default
}

TEST_CASE("plan: bad hardware and accelerators") {
  CHECK(render_error("qwen3-1.7b --instance nope").code == ExitCode::usage);
  CHECK(render_error("qwen3-1.7b --instance inf2.xlarge").message ==
        "inf2.xlarge has Inferentia2 accelerators (neuron runtime): llmctl render deploys GPU engines only");
  CHECK(render_error("qwen3-1.7b --set inference.accelerator=neuron").code == ExitCode::usage);
  CHECK(render_error("qwen3-1.7b --set inference.framework=ray-vllm").message ==
        "inference.framework 'ray-vllm' is not rendered by llmctl render");
}
