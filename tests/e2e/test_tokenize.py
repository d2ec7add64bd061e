"""`llmctl tokenize` and `llmctl chat-template` against HF `tokenizers` and the
golden prompts of tests/data/chat_template (transformers' apply_chat_template)."""
import json
import shutil

import pytest
import yaml

from conftest import ROOT, SHARED

QWEN3 = SHARED / "qwen3-tokenizer"
CHAT_CASES = ROOT / "tests" / "data" / "chat_template" / "cases.jsonl"
SENTENCEPIECE = ROOT / "tests" / "data" / "tokenizer" / "sentencepiece.tokenizer.json"

TEXTS = [
    "Hello, world!",
    "<|im_start|>user\nWhat's 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "你好，世界！ 👨‍👩‍👧‍👦 👍🏽 مرحبا नमस्ते",
    "def f(x):\n\treturn x ** 2  # square\r\n",
    "   spaces   and\ttabs\n\n\n",
]


@pytest.fixture
def model_dir(tmp_path):
    """A model directory holding just the Qwen3 tokenizer files."""
    d = tmp_path / "qwen3"
    d.mkdir()
    shutil.copy(QWEN3 / "tokenizer.json", d / "tokenizer.json")
    shutil.copy(QWEN3 / "tokenizer_config.json", d / "tokenizer_config.json")
    return d


@pytest.fixture
def hf_tokenizer():
    tokenizers = pytest.importorskip("tokenizers")
    return tokenizers.Tokenizer.from_file(str(QWEN3 / "tokenizer.json"))


def tokenize_json(run, *args):
    r = run("tokenize", *args, "-o", "json")
    assert r.code == 0, r
    return json.loads(r.out)


def chat_case(name):
    for line in CHAT_CASES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        if case["name"] == name:
            return case
    raise KeyError(name)


def test_ids_equal_hf_tokenizers(run, model_dir, hf_tokenizer):
    for text in TEXTS:
        data = tokenize_json(run, model_dir, text)
        want = hf_tokenizer.encode(text)
        assert data["ids"] == want.ids, text
        assert data["pieces"] == want.tokens, text
        assert data["count"] == len(want.ids)


def test_tokenizer_json_path_and_table(run, model_dir):
    r = run("tokenize", model_dir / "tokenizer.json", "Hello, world!")
    assert r.code == 0, r
    assert "9707" in r.out and "Hello" in r.out
    assert r.out.rstrip().endswith("4 tokens")


def test_special_tokens_flag(run):
    with_bos = tokenize_json(run, SENTENCEPIECE, "Hello world")
    without = tokenize_json(run, SENTENCEPIECE, "Hello world", "--no-special")
    assert with_bos["ids"] == [1] + without["ids"]
    assert with_bos["pieces"][0] == "<s>"


def test_file_lines_count_only_and_yaml(run, model_dir, tmp_path, hf_tokenizer):
    text = "\n".join(TEXTS)
    f = tmp_path / "input.txt"
    f.write_text(text, encoding="utf-8")
    r = run("tokenize", model_dir, "--file", f, "--count-only")
    assert r.code == 0, r
    assert int(r.out) == len(hf_tokenizer.encode(text).ids)
    per_line = tokenize_json(run, model_dir, "--file", f, "--lines", "--count-only")
    assert per_line["count"] == sum(len(hf_tokenizer.encode(line).ids) for line in text.split("\n"))
    assert per_line["bytes"] == len(text.encode("utf-8"))
    r = run("tokenize", model_dir, "--file", "-", "-o", "yaml", input="Hi there")
    assert r.code == 0, r
    assert yaml.safe_load(r.out)["ids"] == hf_tokenizer.encode("Hi there").ids


def test_decode(run, model_dir):
    ids = tokenize_json(run, model_dir, TEXTS[1])["ids"]
    r = run("tokenize", model_dir, "--decode", " ".join(map(str, ids)))
    assert r.code == 0, r
    assert r.out == TEXTS[1] + "\n"
    data = json.loads(run("tokenize", model_dir, "--decode", ",".join(map(str, ids)), "--skip-special",
                          "-o", "json").out)
    assert data["text"] == "user\nWhat's 2+2?\nassistant\n"
    bad = run("tokenize", model_dir, "--decode", "12 x")
    assert bad.code == 2
    assert "not a token id" in bad.err


def test_catalog_model_without_local_files(run):
    r = run("tokenize", "qwen3-0.6b", "hi")
    assert r.code == 1
    assert "no tokenizer.json for qwen3-0.6b" in r.err
    assert "llmctl pull qwen3-0.6b" in r.err


def test_hf_id_from_the_local_cache(run, tmp_path, hf_tokenizer):
    repo = tmp_path / "hf-home" / "hub" / "models--Qwen--Qwen3-0.6B"
    commit = "c1899de289a04d12100db370d81485cdf75e47ca"
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    shutil.copy(SHARED / "models" / "Qwen__Qwen3-0.6B" / "config.json", snapshot / "config.json")
    shutil.copy(QWEN3 / "tokenizer.json", snapshot / "tokenizer.json")
    shutil.copy(QWEN3 / "tokenizer_config.json", snapshot / "tokenizer_config.json")
    data = tokenize_json(run, "Qwen/Qwen3-0.6B", "Hello from the cache")
    assert data["ids"] == hf_tokenizer.encode("Hello from the cache").ids


def test_chat_template_prompt_is_exact(run, model_dir, tmp_path):
    case = chat_case("qwen3_system")
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps(case["request"]["messages"]), encoding="utf-8")
    r = run("chat-template", model_dir, "--messages", messages)
    assert r.code == 0, r
    assert r.out == case["prompt"]


def test_chat_template_tools_and_kwargs(run, model_dir, tmp_path):
    case = chat_case("qwen3_tool_calls_and_results")
    messages, tools = tmp_path / "messages.json", tmp_path / "tools.json"
    messages.write_text(json.dumps(case["request"]["messages"]), encoding="utf-8")
    tools.write_text(json.dumps(case["request"]["tools"]), encoding="utf-8")
    r = run("chat-template", model_dir, "--messages", messages, "--tools", tools)
    assert r.code == 0, r
    assert r.out == case["prompt"]

    off = chat_case("qwen3_thinking_off")
    messages.write_text(json.dumps(off["request"]["messages"]), encoding="utf-8")
    r = run("chat-template", model_dir, "--messages", messages, "--kwargs", '{"enable_thinking": false}')
    assert r.code == 0, r
    assert r.out == off["prompt"]
    assert r.out.endswith("<think>\n\n</think>\n\n")


def test_chat_template_request_object_json_and_count(run, model_dir, tmp_path, hf_tokenizer):
    case = chat_case("qwen3_no_generation_prompt")
    request = {"messages": case["request"]["messages"], "chat_template_kwargs": {}}
    r = run("chat-template", model_dir, "--messages", "-", "--no-generation-prompt", "--count-tokens", "-o", "json",
            input=json.dumps(request))
    assert r.code == 0, r
    data = json.loads(r.out)
    assert data["prompt"] == case["prompt"]
    assert data["template"] == "default"
    assert data["tokens"] == len(hf_tokenizer.encode(case["prompt"], add_special_tokens=False).ids)


def test_chat_template_refusals_and_bad_input(run, model_dir, tmp_path):
    gemma = tmp_path / "gemma"
    gemma.mkdir()
    shutil.copy(SHARED / "models" / "google__gemma-2-2b-it" / "chat_template.jinja", gemma / "chat_template.jinja")
    messages = tmp_path / "messages.json"
    messages.write_text(json.dumps([{"role": "system", "content": "x"}, {"role": "user", "content": "y"}]))
    r = run("chat-template", gemma, "--messages", messages)
    assert r.code == 1
    assert "System role not supported" in r.err
    messages.write_text("{not json")
    r = run("chat-template", model_dir, "--messages", messages)
    assert r.code == 2
    assert "not valid JSON" in r.err
    messages.write_text("[]")
    r = run("chat-template", model_dir, "--messages", messages, "--kwargs", "[1]")
    assert r.code == 2
    assert "--kwargs must be a JSON object" in r.err
