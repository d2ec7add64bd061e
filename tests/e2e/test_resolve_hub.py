"""Model references that only the Hub knows: config.json through the fake Hub,
kept in the HF cache, then answered offline from the cache; gated and
unreachable repositories give errors that name the cause."""
import json

from pull_helpers import GATED, TINY, hf, hub  # noqa: F401  (fixtures)


def test_inspect_fetches_config_from_the_hub_then_the_cache(hf):
    r = hf.run("inspect", TINY, "-o", "json")
    assert r.code == 0, r
    data = json.loads(r.out)
    assert data["source"]["kind"] == "hub"
    assert "Hugging Face Hub" in data["source"]["detail"]
    assert (hf.repo_dir(TINY) / "refs" / "main").is_file()

    r = hf.run("inspect", TINY, "-o", "json", env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 0, r
    offline = json.loads(r.out)
    assert offline["source"]["kind"] == "hf_cache"
    assert offline["config"] == data["config"]


def test_inspect_offline_without_cache_is_a_clear_error(hf):
    r = hf.run("inspect", TINY, env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 2
    assert "offline" in r.err
    assert "llmctl pull" in r.err


def test_inspect_gated_repository_names_the_token(hf):
    r = hf.run("inspect", GATED)
    assert r.code == 1
    assert "HF_TOKEN" in r.err


def test_catalog_model_answers_offline_and_says_so(hf):
    r = hf.run("inspect", "Qwen/Qwen3-1.7B", "-o", "json", env={"HF_HUB_OFFLINE": "1"})
    assert r.code == 0, r
    assert json.loads(r.out)["source"]["kind"] == "catalog"


def test_unreachable_hub_falls_back_to_the_catalog(hf):
    r = hf.run("inspect", "Qwen/Qwen3-1.7B", "-o", "json", env={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert r.code == 0, r
    assert json.loads(r.out)["source"]["kind"] == "catalog"
