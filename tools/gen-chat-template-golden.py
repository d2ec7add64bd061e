#!/usr/bin/env python3
"""Golden prompts for lib/text/chat_template: each case loads a model's chat
template the way transformers' tokenizer does and renders it the way
apply_chat_template does, in jinja2 (the environment of
tools/gen-jinja-golden.py: ImmutableSandboxedEnvironment, trim_blocks,
lstrip_blocks, loopcontrols, {% generation %}, transformers' tojson,
raise_exception, strftime_now for 2025-03-14 09:26:53).

Loading, as transformers does it:
  - chat_template.jinja wins over tokenizer_config.json's "chat_template"
    (a string, or a list of {name, template});
  - additional_chat_templates/*.jinja add named templates;
  - special_tokens_map: bos/eos/unk/sep/pad/cls/mask tokens that are set
    (an AddedToken dict gives its content) and additional_special_tokens;
  - the template: the one named, else "tool_use" when tools are given and
    it exists, else "default" (or the only one).
Rendering: messages, tools, documents, add_generation_prompt, then the
special tokens and the chat_template_kwargs; continue_final_message cuts
the prompt after the final message's stripped content.

Writes tests/data/chat_template/cases.jsonl: one case a line,
{"name", "model", "request", "prompt"} or {..., "error": class and message}.
"model" is "shared:<path under ../shared/data>" or "test:<path under tests/data>".

Usage: tools/gen-chat-template-golden.py [--check]
"""
import argparse
import importlib.util
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
TESTS = ROOT / "tests" / "data"
OUT = TESTS / "chat_template" / "cases.jsonl"

spec = importlib.util.spec_from_file_location("gen_jinja_golden", ROOT / "tools" / "gen-jinja-golden.py")
jinja_golden = importlib.util.module_from_spec(spec)
spec.loader.exec_module(jinja_golden)

SPECIAL_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


def model_dir(ref):
    kind, _, rel = ref.partition(":")
    return (SHARED if kind == "shared" else TESTS) / rel


def token_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def load(ref):
    """(templates by name, special_tokens_map) as transformers would load them."""
    d = model_dir(ref)
    config = {}
    if (d / "tokenizer_config.json").exists():
        config = json.loads((d / "tokenizer_config.json").read_text(encoding="utf-8"))
    templates = {}
    t = config.get("chat_template")
    if isinstance(t, str):
        templates["default"] = t
    elif isinstance(t, list):
        templates = {item["name"]: item["template"] for item in t}
    if (d / "chat_template.jinja").exists():
        with open(d / "chat_template.jinja", encoding="utf-8", newline="") as f:
            jinja_text = f.read()
        if len(templates) > 1:
            templates["default"] = jinja_text
        else:
            templates = {"default": jinja_text}
    extra = d / "additional_chat_templates"
    if extra.is_dir():
        for path in sorted(extra.glob("*.jinja")):
            templates[path.stem] = path.read_text(encoding="utf-8")
    special = {}
    for key in SPECIAL_KEYS:
        text = token_text(config.get(key))
        if text is not None:
            special[key] = text
    if isinstance(config.get("additional_special_tokens"), list):
        special["additional_special_tokens"] = [token_text(x) for x in config["additional_special_tokens"]
                                                if token_text(x) is not None]
    return templates, special


def select(templates, request):
    name = request.get("template_name")
    if name:
        if name not in templates:
            raise KeyError(name)
        return name
    if len(templates) == 1:
        return next(iter(templates))
    if request.get("tools") is not None and "tool_use" in templates:
        return "tool_use"
    if "default" in templates:
        return "default"
    raise ValueError("several templates, no default")


def render(ref, request):
    templates, special = load(ref)
    name = select(templates, request)
    env = jinja_golden.environment({"chat": True}, "chat_template", templates[name])
    context = dict(special)
    context.update(request.get("kwargs", {}))
    context.update(messages=request["messages"], tools=request.get("tools"), documents=request.get("documents"),
                   add_generation_prompt=request.get("add_generation_prompt", True))
    prompt = env.from_string(templates[name]).render(**context)
    if request.get("continue_final_message"):
        final = request["messages"][-1]["content"]
        if isinstance(final, list):
            final = next(block["text"] for block in reversed(final) if "text" in block)
        final = final.strip()
        prompt = prompt[: prompt.rindex(final) + len(final)]
    return prompt


# ---- cases -----------------------------------------------------------------------

QWEN3 = "shared:qwen3-tokenizer"
SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
USER = {"role": "user", "content": "What's the capital of France?"}
ANSWER = {"role": "assistant", "content": "The capital of France is Paris."}
FOLLOW_UP = {"role": "user", "content": "And of Germany? Answer in one word."}
WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}}}
TIME_TOOL = {"type": "function", "function": {
    "name": "get_time", "description": "Current time in a timezone.",
    "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"]}}}
ASK_WEATHER = {"role": "user", "content": "What's the weather in Paris and the time in Tokyo?"}
CALLS_DICT = {"role": "assistant", "content": "", "tool_calls": [
    {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}},
    {"type": "function", "function": {"name": "get_time", "arguments": {"tz": "Asia/Tokyo"}}}]}
CALLS_STRING = {"role": "assistant", "content": "Let me check.", "tool_calls": [
    {"id": "call_1", "type": "function",
     "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\", \"unit\": \"celsius\"}"}}]}
RESULTS = [{"role": "tool", "content": "{\"temperature\": 18, \"sky\": \"cloudy\"}"},
           {"role": "tool", "content": "14:05 JST"}]
THINKING_HISTORY = [
    {"role": "user", "content": "What is 17 * 3?"},
    {"role": "assistant", "content": "<think>\n17 * 3 = 51.\n</think>\n\n17 × 3 = 51."},
    {"role": "user", "content": "And 51 / 3?"},
]
REASONING_FIELD_HISTORY = [
    {"role": "user", "content": "Pick a prime."},
    {"role": "assistant", "reasoning_content": "Small primes: 2, 3, 5. I'll say 7.", "content": "7"},
    {"role": "user", "content": "Another one?"},
]
PARTS = {"role": "user", "content": [{"type": "text", "text": "Describe "}, {"type": "text", "text": "this text."}]}
UNICODE = {"role": "user", "content": "Übersetze: 你好，世界！ 👋🏽 — «ça va?»\n\tمرحبا"}


def qwen_cases(prefix, ref):
    return [
        (f"{prefix}_single", ref, {"messages": [USER]}),
        (f"{prefix}_system", ref, {"messages": [SYSTEM, USER]}),
        (f"{prefix}_multiturn", ref, {"messages": [SYSTEM, USER, ANSWER, FOLLOW_UP]}),
        (f"{prefix}_no_generation_prompt", ref, {"messages": [USER, ANSWER], "add_generation_prompt": False}),
        (f"{prefix}_thinking_on", ref, {"messages": [USER], "kwargs": {"enable_thinking": True}}),
        (f"{prefix}_thinking_off", ref, {"messages": [USER], "kwargs": {"enable_thinking": False}}),
        (f"{prefix}_thinking_off_multiturn", ref,
         {"messages": [SYSTEM, USER, ANSWER, FOLLOW_UP], "kwargs": {"enable_thinking": False}}),
        (f"{prefix}_tools", ref, {"messages": [SYSTEM, ASK_WEATHER], "tools": [WEATHER_TOOL, TIME_TOOL]}),
        (f"{prefix}_tools_no_system", ref, {"messages": [ASK_WEATHER], "tools": [WEATHER_TOOL]}),
        (f"{prefix}_tool_calls_and_results", ref,
         {"messages": [ASK_WEATHER, CALLS_DICT] + RESULTS, "tools": [WEATHER_TOOL, TIME_TOOL]}),
        (f"{prefix}_tool_call_string_arguments", ref,
         {"messages": [ASK_WEATHER, CALLS_STRING, RESULTS[0], {"role": "assistant", "content": "It is 18 °C."},
                       FOLLOW_UP], "tools": [WEATHER_TOOL]}),
        (f"{prefix}_reasoning_dropped", ref, {"messages": THINKING_HISTORY}),
        (f"{prefix}_reasoning_field", ref, {"messages": REASONING_FIELD_HISTORY}),
        (f"{prefix}_reasoning_last_turn_kept", ref,
         {"messages": THINKING_HISTORY[:2], "add_generation_prompt": False}),
        (f"{prefix}_content_parts", ref, {"messages": [PARTS]}),
        (f"{prefix}_unicode", ref, {"messages": [SYSTEM, UNICODE]}),
        (f"{prefix}_continue_final", ref,
         {"messages": [USER, {"role": "assistant", "content": "The capital is "}], "add_generation_prompt": False,
          "continue_final_message": True}),
        (f"{prefix}_no_messages_rejected", ref, {"messages": []}),
    ]


CASES = (
    qwen_cases("qwen3", QWEN3)
    + qwen_cases("qwen3_0.6b", "shared:models/Qwen__Qwen3-0.6B")
    + qwen_cases("qwen3_thinking_2507", "shared:models/Qwen__Qwen3-30B-A3B-Thinking-2507")
    + [
        ("deepseek_v3_basic", "shared:models/deepseek-ai__DeepSeek-V3", {"messages": [SYSTEM, USER]}),
        ("deepseek_v3_multiturn", "shared:models/deepseek-ai__DeepSeek-V3", {"messages": [USER, ANSWER, FOLLOW_UP]}),
        ("deepseek_v3_tools", "shared:models/deepseek-ai__DeepSeek-V3",
         {"messages": [ASK_WEATHER, CALLS_STRING, RESULTS[0]], "tools": [WEATHER_TOOL]}),
        ("gemma2_basic", "shared:models/google__gemma-2-2b-it",
         {"messages": [USER, ANSWER, FOLLOW_UP], "kwargs": {"bos_token": "<bos>"}}),
        ("gemma2_system_rejected", "shared:models/google__gemma-2-2b-it",
         {"messages": [SYSTEM, USER], "kwargs": {"bos_token": "<bos>"}}),
        ("llama32_basic", "shared:models/meta-llama__Llama-3.2-3B-Instruct",
         {"messages": [SYSTEM, USER], "kwargs": {"bos_token": "<|begin_of_text|>"}}),
        ("llama32_today", "shared:models/meta-llama__Llama-3.2-3B-Instruct",
         {"messages": [USER], "kwargs": {"bos_token": "<|begin_of_text|>"}}),
        ("llama32_tools", "shared:models/meta-llama__Llama-3.2-3B-Instruct",
         {"messages": [ASK_WEATHER], "tools": [WEATHER_TOOL], "kwargs": {"bos_token": "<|begin_of_text|>"}}),
        ("mistral_nemo_basic", "shared:models/mistralai__Mistral-Nemo-Instruct-2407",
         {"messages": [SYSTEM, USER, ANSWER, FOLLOW_UP], "kwargs": {"bos_token": "<s>", "eos_token": "</s>"}}),
        ("mistral_nemo_alternation_rejected", "shared:models/mistralai__Mistral-Nemo-Instruct-2407",
         {"messages": [USER, USER], "kwargs": {"bos_token": "<s>", "eos_token": "</s>"}}),
        ("gpt_oss_basic", "shared:models/openai__gpt-oss-120b", {"messages": [SYSTEM, USER]}),
        ("gpt_oss_tools", "shared:models/openai__gpt-oss-120b",
         {"messages": [ASK_WEATHER], "tools": [WEATHER_TOOL], "kwargs": {"reasoning_effort": "low"}}),
        ("multi_default", "test:chat_template/models/multi-template", {"messages": [USER]}),
        ("multi_tool_use", "test:chat_template/models/multi-template",
         {"messages": [USER], "tools": [WEATHER_TOOL]}),
        ("multi_named", "test:chat_template/models/multi-template",
         {"messages": [USER], "template_name": "rag", "documents": [{"text": "Paris is in France."}]}),
    ]
)


def run_case(name, ref, request):
    case = {"name": name, "model": ref, "request": request}
    try:
        case["prompt"] = render(ref, request)
    except Exception as e:  # the template refused: the C++ side must refuse too
        case["error"] = f"{type(e).__name__}: {e}"
    return case


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the stored file instead of writing")
    args = parser.parse_args()
    lines = [json.dumps(run_case(*c), ensure_ascii=False) for c in CASES]
    want = ("\n".join(lines) + "\n").encode("utf-8")
    errors = sum(1 for line in lines if '"error"' in line)
    if args.check:
        ok = OUT.exists() and OUT.read_bytes() == want
        print(f"{'ok' if ok else 'STALE'}: {OUT.relative_to(ROOT)}")
        return 0 if ok else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(want)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(lines)} cases ({errors} expected errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
