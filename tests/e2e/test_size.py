"""`llmctl size`: the report in table/json/yaml, --gpu/--instance fits and --check,
--guide, --explain, weights from local and Hub safetensors headers, bad input."""
import json
import shutil

import yaml

from conftest import SHARED
from pull_helpers import fakehub, hf, hub  # noqa: F401  (pytest fixtures)


def size_json(run, *args):
    r = run("size", *args, "-o", "json")
    assert r.code == 0, r
    return json.loads(r.out)


def test_default_table_reads_top_to_bottom(run):
    r = run("size", "qwen3-1.7b")
    assert r.code == 0, r
    out = r.out
    order = ["Qwen/Qwen3-1.7B", "PARAMETERS", "WEIGHTS (bf16)", "KV CACHE (bf16)", "MEMORY PER GPU",
             "FIT ACROSS THE CATALOG"]
    positions = [out.index(s) for s in order]
    assert positions == sorted(positions)
    assert "1,720,574,976" in out
    assert "114,688" in out
    assert "built-in catalog (qwen3-1.7b)" in out
    assert r.err == ""


def test_json_fields_and_exact_integers(run):
    d = size_json(run, "qwen3-1.7b", "--context", "8192", "--gpu", "L4")
    assert d["model"] == "Qwen/Qwen3-1.7B"
    assert d["source"]["config"]["kind"] == "catalog"
    assert d["source"]["weights"]["kind"] == "config"
    assert d["parameters"]["total"] == 1720574976
    assert d["parameters"]["non_embedding"] == 1409410048
    assert d["weights"]["bytes"] == 2 * 1720574976
    assert d["kv_cache"]["bytes_per_token"] == 114688
    assert d["kv_cache"]["per_sequence"] == {"bytes": 114688 * 8192, "human": "896.00 MiB"}
    assert d["workload"] == {"context": 8192, "context_is_model_max": False, "concurrency": 1, "tp": 1, "pp": 1,
                             "prefill_tokens": 2048}
    v = d["vllm"]
    assert v["version"] == "0.11.0" and v["block_size"] == 16 and v["gpu_memory_utilization"] == 0.9
    assert v["starts"] is True and v["error"] is None
    assert v["kv_cache_tokens"] == v["num_blocks"] * 16
    assert f"GPU KV cache size: {v['kv_cache_tokens']:,} tokens" in v["log_lines"]
    assert d["fit"]["fits"] is True
    assert d["fit_table"] == []
    names = {c["name"] for c in d["vllm_constants"]}
    assert {"gpu_memory_utilization", "block_size", "sampler_bytes_per_logit", "non_torch_gib_tp1"} <= names
    assert all(c["source"] for c in d["vllm_constants"])


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 has no timestamp type; PyYAML (1.1) would read price_date 2025-06-01 as a date."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def test_yaml_matches_json(run):
    as_json = size_json(run, "llama-3.2-1b", "--context", "4096", "--instance", "g6.xlarge")
    r = run("size", "llama-3.2-1b", "--context", "4096", "--instance", "g6.xlarge", "-o", "yaml")
    assert r.code == 0, r
    assert yaml.load(r.out, Loader=Yaml12Loader) == as_json


def test_fit_table_without_gpu_is_cheapest_first(run):
    d = size_json(run, "qwen3-8b", "--context", "16384", "--concurrency", "4")
    rows = [f for f in d["fit_table"] if f["fits"]]
    assert rows, "something in the catalog fits an 8B model"
    prices = [f["usd_per_hour"] for f in rows if f["usd_per_hour"] is not None]
    assert prices == sorted(prices)
    fits = [f["fits"] for f in d["fit_table"]]
    assert fits == sorted(fits, reverse=True)  # fitting rows first
    for f in rows:
        assert f["max_concurrency_at_context"] >= 4


def test_check_exits_3_when_it_does_not_fit(run):
    ok = run("size", "qwen3-1.7b", "--context", "8192", "--gpu", "L4", "--check")
    assert ok.code == 0, ok
    r = run("size", "llama-3.1-70b", "--gpu", "L4", "--check")
    assert r.code == 3, r
    assert "does not fit L4" in r.err
    assert "FIT ON L4" in r.out  # the report is still printed
    by_instance = run("size", "qwen3-32b", "--context", "4096", "--instance", "g6.xlarge", "--check")
    assert by_instance.code == 3


def test_guide_reproduces_5_85_gib(run):
    r = run("size", "qwen3-1.7b", "--context", "8192", "--guide")
    assert r.code == 0, r
    assert "GUIDE VS EXACT (8,192 tokens)" in r.out
    assert "5.85 GiB" in r.out
    assert "0.2 MB" in r.out
    assert "grouped-query attention" in r.out
    d = size_json(run, "qwen3-1.7b", "--context", "8192", "--guide")
    assert d["guide"]["total_gib"] == 5.85
    assert d["guide"]["kv_bytes_per_token"] == 229376


def test_explain_shows_formulas_with_numbers(run):
    r = run("size", "qwen3-1.7b", "--context", "8192", "--gpu", "L4", "--explain")
    assert r.code == 0, r
    assert "STEP" in r.out and "FORMULA" in r.out
    assert "28 x 4,096" in r.out
    assert "114,688 x 8,192" in r.out
    d = size_json(run, "qwen3-1.7b", "--context", "8192", "--gpu", "L4", "--explain")
    assert any(s["figure"] == "KV cache per token" and s["result"].startswith("114,688 B") for s in d["explain"])
    assert size_json(run, "qwen3-1.7b", "--context", "8192")["explain"] is None


def test_quantized_and_kv_precision_flags(run):
    base = size_json(run, "llama-3.1-8b", "--context", "8192")
    q4 = size_json(run, "llama-3.1-8b", "--context", "8192", "--dtype", "q4_k_m", "--kv-dtype", "fp8")
    assert q4["weights"]["precision"] == "q4_k_m"
    assert {t["type"] for t in q4["weights"]["by_type"]} >= {"Q4_K", "Q6_K", "F32"}
    assert q4["weights"]["bytes"] < base["weights"]["bytes"] / 3
    assert q4["kv_cache"]["bytes_per_token"] == base["kv_cache"]["bytes_per_token"] // 2
    ds = size_json(run, "deepseek-v3", "--context", "4096", "--gpu", "H200", "--tp", "8")
    assert ds["weights"]["precision"] == "fp8"
    assert ds["kv_cache"]["bytes_per_token"] == 61 * 576 * 2  # MLA


def test_vllm_constants_and_versions_are_overridable(run):
    base = size_json(run, "qwen3-1.7b", "--context", "8192", "--gpu", "L4")["vllm"]
    more = size_json(run, "qwen3-1.7b", "--context", "8192", "--gpu", "L4", "--gpu-memory-utilization", "0.95",
                     "--block-size", "32", "--vllm-constant", "sampler_bytes_per_logit=0")["vllm"]
    assert more["block_size"] == 32 and more["gpu_memory_utilization"] == 0.95
    assert more["available_kv"]["bytes"] > base["available_kv"]["bytes"]
    v0 = size_json(run, "qwen3-1.7b", "--context", "8192", "--gpu", "L4", "--vllm-version", "0.7")["vllm"]
    assert v0["engine"] == "v0" and any(line.startswith("# GPU blocks: ") for line in v0["log_lines"])


def test_bad_input_exits_2(run, tmp_path):
    cases = [
        (["--context", "0"], "--context must be a positive number of tokens, got 0"),
        (["--context", "-5"], "--context must be a positive number of tokens, got -5"),
        (["--concurrency", "0"], "--concurrency must be a positive"),
        (["--gpu", "L5"], "unknown GPU 'L5'"),
        (["--instance", "g7.xlarge"], "unknown instance type"),
        (["--tp", "3"], "--tp 3 does not divide the model's 16 attention heads"),
        (["--dtype", "int3"], "int3"),
        (["--kv-dtype", "int4"], "int4"),
        (["--check"], "--check needs --gpu or --instance"),
        (["--vllm-constant", "nope=1"], "unknown vLLM constant 'nope'"),
        (["--gpu-memory-utilization", "1.5"], "must be in (0, 1]"),
        (["--gpu", "L4", "--instance", "g6.xlarge"], "excludes"),
    ]
    for args, message in cases:
        r = run("size", "qwen3-1.7b", *args)
        assert r.code == 2, (args, r)
        assert message in r.err, (args, r.err)
    assert "did you mean L4" in run("size", "qwen3-1.7b", "--gpu", "L5").err
    missing = tmp_path / "config.json"
    missing.write_text('{"architectures": ["FooForCausalLM"], "model_type": "foo"}')
    r = run("size", missing)
    assert r.code == 2 and "hidden_size" in r.err
    assert run("size", "no-such-model").code == 2


def test_local_directory_uses_its_safetensors_headers(run, tmp_path):
    model = tmp_path / "llama"
    model.mkdir()
    shutil.copy(SHARED / "models" / "meta-llama__Llama-3.2-1B" / "config.json", model / "config.json")
    # A tied model whose checkpoint also stores lm_head.weight: counted once.
    (model / "model.safetensors").write_bytes(fakehub.safetensors_bytes([
        ("model.embed_tokens.weight", "BF16", [128256, 16]),
        ("lm_head.weight", "BF16", [128256, 16]),
        ("model.layers.0.self_attn.q_proj.weight", "BF16", [2048, 2048]),
        ("model.norm.weight", "BF16", [2048]),
    ]))
    d = size_json(run, model, "--context", "4096")
    assert d["source"]["config"]["kind"] == "local_dir"
    assert d["source"]["weights"]["kind"] == "local_headers"
    assert d["weights"]["bytes"] == (128256 * 16 + 2048 * 2048 + 2048) * 2
    assert any("lm_head.weight is stored in the checkpoint of a tied model" in n for n in d["notes"])
    config_only = size_json(run, model, "--context", "4096", "--weights-from", "config")
    assert config_only["source"]["weights"]["kind"] == "config"


def test_hf_id_reads_config_and_headers_from_the_hub(hf):  # noqa: F811
    r = hf.run("size", "llmctl-test/sharded", "--context", "1024", "-o", "json")
    assert r.code == 0, r
    d = json.loads(r.out)
    assert d["source"]["config"]["kind"] == "hub"
    assert d["source"]["weights"]["kind"] == "hub_headers"
    # embed 2048x1024 + 2 x down 512x1024 + lm_head 2048x1024 (bf16) + norm 1024 (f32)
    assert d["weights"]["bytes"] == (2048 * 1024 * 2 + 512 * 1024 * 2) * 2 + 1024 * 4
    assert "reading safetensors headers" in r.err
    offline = hf.run("size", "llmctl-test/sharded", "--context", "1024", "-o", "json", env={"HF_HUB_OFFLINE": "1"})
    assert offline.code == 0, offline
    assert json.loads(offline.out)["source"]["weights"]["kind"] == "config"
