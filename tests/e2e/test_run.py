"""`llmctl run` on the tiny golden models (tests/data/models, made by
tools/gen-tiny-models.py): greedy text equals the decode of transformers'
greedy continuation; errors for missing weights and prompts."""
import json

from conftest import ROOT

MODELS = ROOT / "tests" / "data" / "models"


def test_run_greedy_matches_transformers(run):
    for name in ("qwen3-tied", "qwen3-untied", "llama3-rope", "qwen2-bias"):
        model = MODELS / name
        golden = json.loads((model / "golden.json").read_text())["prompts"][0]
        r = run("run", model, "-p", "Hello world", "-n", "32", "--temperature", "0")
        assert r.code == 0, r
        assert "prefill: 4 tokens" in r.err and "decode: 31 tokens" in r.err, r
        want = run("tokenize", model, "--decode", " ".join(map(str, golden["greedy"])), "--skip-special")
        assert r.out == want.out, name


def test_run_needs_a_prompt(run):
    r = run("run", MODELS / "qwen3-tied")
    assert r.code == 2
    assert "--prompt" in r.err


def test_run_dummy_weights_from_the_catalog(run):
    r = run("run", "qwen3-0.6b", "--dummy-weights", "--prompt-tokens", "4", "-n", "1", "--max-model-len", "64",
            timeout=300)
    assert r.code == 0, r
    assert "prefill: 4 tokens" in r.err
