// Fits on a GPU or instance, the catalog table, and the catalog itself.
#include "sizing/fit.hpp"
#include "sizing_fixtures.hpp"

using namespace llmctl;
using namespace llmctl::test;

TEST_CASE("the hardware catalog: every instance names a known GPU; lookups and suggestions") {
  const HardwareCatalog& hw = HardwareCatalog::embedded();
  CHECK(hw.accelerators().size() >= 12);
  CHECK(hw.instances().size() >= 30);
  for (const char* gpu : {"T4", "A10G", "L4", "L40S", "A100-40GB", "A100-80GB", "H100", "H200", "B200", "MI300X", "Inferentia2"})
    CHECK_MESSAGE(hw.find_accelerator(gpu) != nullptr, gpu);
  for (const char* inst : {"g4dn.xlarge", "g5.xlarge", "g6.2xlarge", "g6e.xlarge", "p4d.24xlarge", "p4de.24xlarge",
                           "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge", "g2-standard-4", "a3-highgpu-8g",
                           "Standard_NC24ads_A100_v4"})
    CHECK_MESSAGE(hw.find_instance(inst) != nullptr, inst);
  for (const Instance& i : hw.instances()) {
    CAPTURE(i.name);
    CHECK(hw.find_accelerator(i.gpu) != nullptr);
    CHECK(i.gpus >= 1);
    if (i.price_usd_per_hour) CHECK_FALSE(i.price_date.empty());
  }
  CHECK(hw.find_accelerator("nvidia-l4")->name == "L4");  // alias, case-insensitive
  CHECK(hw.find_instance("G6.2XLARGE")->gpu == "L4");
  const auto err = catch_error([&] { hw.accelerator("L5"); });
  CHECK(err.code == ExitCode::usage);
  CHECK(err.message == "unknown GPU 'L5'");
  CHECK(err.hint.find("L4") != std::string::npos);
  CHECK(catch_error([&] { hw.instance("g6.3xlarge"); }).hint.find("g6.2xlarge") != std::string::npos);
}

TEST_CASE("the guide's deployment: Qwen3-1.7B at 8192 tokens fits the L4 of a g6.2xlarge") {
  SizeInputs in;
  in.context = 8192;
  in.instance = "g6.2xlarge";
  const SizeReport r = report_for("qwen3-1.7b", in);
  REQUIRE(r.fit);
  const Fit& f = *r.fit;
  CHECK(f.fits);
  CHECK(f.gpu == "L4");
  CHECK(f.tp == 1);
  CHECK(f.nodes == 1);
  CHECK(f.vllm.starts);
  // headroom = available KV - 1 request x 512 blocks x 16 x 4,096 B x 28 layers.
  CHECK(f.headroom == f.vllm.available_kv - static_cast<std::int64_t>(512ULL * 16 * 4096 * 28));
  CHECK(f.max_concurrency == f.vllm.num_blocks / 512);
  // The longest context at concurrency 1 is whole blocks, up to the model's 40,960.
  CHECK(f.max_context == std::min<std::uint64_t>(f.vllm.num_blocks * 16, 40960));
  // Decode bound: 1 x 300 GB/s / (weights + KV of 8192 tokens).
  const double bytes = 2.0 * 1720574976 + 114688.0 * 8192;
  CHECK(f.decode_tokens_per_s == doctest::Approx(300e9 / bytes));
  REQUIRE(f.usd_per_hour);
  CHECK(*f.usd_per_hour == doctest::Approx(0.9776));
  CHECK(*f.usd_per_million_tokens == doctest::Approx(0.9776 / (f.decode_tokens_per_s * 3600) * 1e6));
}

TEST_CASE("a GPU that is too small: fits is false, and the smallest TP that works is suggested") {
  SizeInputs in;
  in.context = 8192;
  in.gpu = "H100";
  const SizeReport r = report_for("llama-3.1-70b", in);
  REQUIRE(r.fit);
  CHECK_FALSE(r.fit->fits);
  CHECK(r.fit->tp == 1);
  REQUIRE(r.suggestion);
  CHECK(r.suggestion->fits);
  // 141 GB of weights: 65.7 GiB per H100 at tp 2 leaves 0.24 GiB once vLLM's sampler
  // warm-up for its default 1024 sequences (4.7 GiB) is reserved; tp 4 fits.
  CHECK(r.suggestion->tp == 4);
  in.tp = 2;
  const SizeReport two = report_for("llama-3.1-70b", in);
  CHECK_FALSE(two.fit->fits);
  CHECK(two.fit->vllm.starts == false);
  // ...and with --max-num-seqs 256 the warm-up shrinks to 1.2 GiB: tp 2 fits.
  in.max_num_seqs = 256;
  const SizeReport fewer = report_for("llama-3.1-70b", in);
  CHECK(fewer.fit->fits);
  CHECK(fewer.tp == 2);
}

TEST_CASE("an instance too small for one machine needs several: fits only with nodes > 1") {
  SizeInputs in;
  in.context = 4096;
  in.instance = "g6.xlarge";  // 1 x L4
  const SizeReport r = report_for("qwen3-32b", in);
  CHECK_FALSE(r.fit->fits);
}

TEST_CASE("the catalog table: fitting rows first, cheapest first, smallest TP per instance") {
  SizeInputs in;
  in.context = 8192;
  const SizeReport r = report_for("llama-3.1-70b", in);
  REQUIRE(r.table.size() == HardwareCatalog::embedded().instances().size());
  bool seen_misfit = false;
  double last_price = 0;
  for (const Fit& f : r.table) {
    CAPTURE(f.instance);
    if (!f.fits) {
      seen_misfit = true;
      continue;
    }
    CHECK_FALSE(seen_misfit);  // no fitting row after a misfit
    if (f.usd_per_hour) {
      CHECK(*f.usd_per_hour >= last_price);
      last_price = *f.usd_per_hour;
    }
    CHECK(f.tp * f.pp <= f.gpus_per_node * f.nodes);
  }
  // 141 GB of bf16 weights do not fit one 80 GB H100: p5.48xlarge needs tp >= 2.
  for (const Fit& f : r.table)
    if (f.instance == "p5.48xlarge") {
      CHECK(f.fits);
      CHECK(f.tp >= 2);
      CHECK(f.replicas == 8 / f.tp);
    }
}

TEST_CASE("Inferentia2 is fitted by the exact method (no vLLM model for Neuron)") {
  SizeInputs in;
  in.context = 4096;
  in.instance = "inf2.xlarge";
  const SizeReport r = report_for("qwen3-1.7b", in);
  CHECK_FALSE(r.fit->vllm_modelled);
  CHECK(r.fit->fits);
  CHECK(r.fit->headroom == static_cast<std::int64_t>(32ULL << 30) - static_cast<std::int64_t>(r.fit->estimate.total));
}
