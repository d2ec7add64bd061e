"""The CLI shell: help, version, exit codes, output formats, errors, colour."""
import json
import re

import yaml

ANSI = re.compile(r"\x1b\[")


def test_version(run):
    r = run("--version")
    assert r.code == 0
    assert re.match(r"llmctl \d+\.\d+\.\d+ \(commit \w+, backends: cpu(, cuda)?\)\n", r.out)


def test_help_lists_only_working_subcommands(run):
    r = run("--help")
    assert r.code == 0
    for sub in ("models", "inspect", "completion"):
        assert re.search(rf"^\s+{sub}\s", r.out, re.M), sub
    assert "Global options" in r.out or "--verbose" in r.out


def test_no_arguments_prints_help(run):
    r = run()
    assert r.code == 0
    assert "Subcommands" in r.out or "SUBCOMMANDS" in r.out


def test_subcommand_help_has_examples(run):
    for sub in ("models", "inspect", "completion"):
        r = run(sub, "--help")
        assert r.code == 0, sub
        assert "Examples:" in r.out, sub


def test_unknown_flag_is_usage_error(run):
    r = run("models", "--bogus")
    assert r.code == 2
    assert r.err.startswith("llmctl: error: ")
    assert "hint: run 'llmctl models --help'" in r.err
    assert r.out == ""


def test_unknown_subcommand_is_usage_error(run):
    r = run("frobnicate")
    assert r.code == 2
    assert "llmctl: error:" in r.err


def test_bad_output_format_is_usage_error(run):
    r = run("models", "-o", "xml")
    assert r.code == 2
    assert "xml" in r.err


def test_missing_required_argument_is_usage_error(run):
    r = run("inspect")
    assert r.code == 2
    assert "model" in r.err


def test_models_json_and_yaml_agree(run):
    j = run("models", "-o", "json")
    y = run("models", "-o", "yaml")
    assert j.code == 0 and y.code == 0
    data = json.loads(j.out)
    assert data == yaml.safe_load(y.out)
    aliases = [m["alias"] for m in data["models"]]
    for alias in ("qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b", "qwen3-14b", "qwen3-32b",
                  "qwen3-30b-a3b", "qwen2.5-7b-instruct", "llama-3.2-1b", "llama-3.2-3b",
                  "llama-3.1-8b", "llama-3.1-70b", "mistral-7b", "mixtral-8x7b", "gemma-2-9b",
                  "gemma-3-27b", "deepseek-v3", "gpt-oss-20b", "phi-4"):
        assert alias in aliases, alias
    qwen = next(m for m in data["models"] if m["alias"] == "qwen3-1.7b")
    assert qwen["hf_id"] == "Qwen/Qwen3-1.7B"
    assert qwen["architecture"] == "Qwen3ForCausalLM"
    assert qwen["parameters"] == 1720574976
    assert qwen["max_position_embeddings"] == 40960


def test_models_table_and_filter(run):
    r = run("models", "qwen3")
    assert r.code == 0
    lines = r.out.splitlines()
    assert lines[0].split()[:3] == ["ALIAS", "HF", "ID"]
    assert all("qwen3" in line.lower() for line in lines[1:])
    assert any(line.startswith("qwen3-1.7b ") for line in lines)
    assert "1.72B" in r.out


def test_output_format_from_environment(run):
    r = run("models", env={"LLMCTL_OUTPUT": "json"})
    assert r.code == 0
    json.loads(r.out)


def test_no_colour_when_not_a_tty(run):
    r = run("models")
    assert not ANSI.search(r.out)
    r = run("inspect", "no-such-model")
    assert not ANSI.search(r.err)


def test_data_on_stdout_errors_on_stderr(run):
    r = run("inspect", "no-such-model")
    assert r.out == ""
    assert r.err.startswith("llmctl: error:")


def test_verbose_explains_on_stderr_only(run):
    quiet = run("inspect", "qwen3-1.7b", "-o", "json")
    loud = run("-v", "inspect", "qwen3-1.7b", "-o", "json")
    assert quiet.err == ""
    assert "answered by catalog" in loud.err
    assert loud.out == quiet.out
    env = run("inspect", "qwen3-1.7b", env={"LLMCTL_VERBOSE": "1"})
    assert "answered by catalog" in env.err
