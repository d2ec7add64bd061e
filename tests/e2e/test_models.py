"""Model references: alias, HF id, local directory, config.json path; bad configs."""
import json
import shutil

from conftest import SHARED


def inspect_json(run, ref):
    r = run("inspect", ref, "-o", "json")
    assert r.code == 0, r
    return json.loads(r.out)


def test_alias_and_hf_id_resolve_to_the_catalog(run):
    by_alias = inspect_json(run, "qwen3-1.7b")
    by_id = inspect_json(run, "Qwen/Qwen3-1.7B")
    assert by_alias["config"] == by_id["config"]
    assert by_alias["source"]["kind"] == "catalog"
    cfg = by_alias["config"]
    assert cfg["hidden_size"] == 2048
    assert cfg["num_hidden_layers"] == 28
    assert cfg["num_key_value_heads"] == 8
    assert by_alias["parameters"]["total"] == 1720574976


def test_config_path_and_directory(run, tmp_path):
    src = SHARED / "models" / "meta-llama__Llama-3.2-1B" / "config.json"
    model_dir = tmp_path / "llama"
    model_dir.mkdir()
    shutil.copy(src, model_dir / "config.json")
    from_dir = inspect_json(run, model_dir)
    from_file = inspect_json(run, model_dir / "config.json")
    assert from_dir["config"] == from_file["config"]
    assert from_dir["source"]["kind"] == "local_dir"
    assert from_file["source"]["kind"] == "config_file"
    assert from_dir["config"]["hidden_size"] == 2048


def test_unknown_model_suggests_aliases(run):
    r = run("inspect", "qwen3-1.8b")
    assert r.code == 2
    assert "unknown model" in r.err
    assert "qwen3-1.7b" in r.err  # a close alias is suggested


def test_directory_without_config(run, tmp_path):
    r = run("inspect", tmp_path)
    assert r.code in (1, 2)
    assert "config.json" in r.err


def test_malformed_json_names_the_file(run, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text('{"hidden_size": 2048,, }')
    r = run("inspect", bad)
    assert r.code == 1
    assert str(bad) in r.err


def test_wrong_field_type_names_the_field(run, tmp_path):
    cfg = json.loads((SHARED / "models" / "Qwen__Qwen3-1.7B" / "config.json").read_text())
    cfg["num_hidden_layers"] = "twenty-eight"
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps(cfg))
    r = run("inspect", bad)
    assert r.code == 1
    assert "num_hidden_layers" in r.err
    assert str(bad) in r.err


def test_unknown_architecture_without_standard_fields(run, tmp_path):
    bad = tmp_path / "config.json"
    bad.write_text(json.dumps({"architectures": ["FancyNewForCausalLM"], "model_type": "fancy"}))
    r = run("inspect", bad)
    assert r.code == 1
    assert "hidden_size" in r.err and "num_hidden_layers" in r.err


def test_unknown_architecture_with_standard_fields_uses_generic_mode(run, tmp_path):
    cfg = {"architectures": ["FancyNewForCausalLM"], "model_type": "fancy", "hidden_size": 512,
           "num_hidden_layers": 4, "num_attention_heads": 8, "intermediate_size": 1024,
           "vocab_size": 1000}
    path = tmp_path / "config.json"
    path.write_text(json.dumps(cfg))
    data = inspect_json(run, path)
    assert data["config"]["num_key_value_heads"] == 8
    assert data["config"]["head_dim"] == 64


def test_every_shared_config_parses(run):
    for cfg in sorted((SHARED / "models").glob("*/config.json")):
        r = run("inspect", cfg, "-o", "json")
        assert r.code == 0, (cfg, r)


def test_yaml_output(run):
    import yaml
    r = run("inspect", "deepseek-v3", "-o", "yaml")
    assert r.code == 0
    data = yaml.safe_load(r.out)
    assert data["config"]["num_hidden_layers"] == 61
