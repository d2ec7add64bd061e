#!/usr/bin/env python3
"""Tiny random models with transformers' logits, for the CPU engine's golden
parity tests (tests/backend_cpu/).

Writes tests/data/models/<name>/ for each model of MODELS: config.json,
model.safetensors (fp32), tokenizer.json, tokenizer_config.json,
generation_config.json and golden.json:

  {"prompts": [{"input_ids": [...],
                "rows": {"<position>": [vocab floats], ...},   # prompt logits
                "greedy": [32 token ids],                       # argmax continuation
                "final_logits": [vocab floats]}, ...]}          # last position of prompt+greedy[:-1]

The logits come from transformers in fp32 with eager attention. Weights are
random (fixed seeds) but scaled up from transformers' init (std 0.02) so the
logits spread over a few units: with near-uniform logits greedy argmax would
hinge on 1e-6 differences. RMSNorm weights and biases are random too, so a
forgotten weight or bias shows.

The script is rerunnable: it creates .venv-models/ (pinned torch,
transformers, tokenizers, safetensors from PyPI) and re-executes itself
inside it. The tokenizer is trained with `tokenizers` (byte-level BPE); its
merges may change between runs, the golden ids always match the saved
tokenizer (tests feed ids, not text).

Usage: tools/gen-tiny-models.py
"""
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-models"
PINS = ["torch==2.15.0", "transformers==5.24.0", "tokenizers==0.23.3", "safetensors==0.8.0", "numpy==2.4.6"]
OUT = ROOT / "tests" / "data" / "models"
VOCAB = 384
STEPS = 32

PROMPT_TEXTS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog. It was a sunny day",
    "def f(x):\n    return x * 2 + 1\n",
    "A",
]

CORPUS = [
    "Hello world. The quick brown fox jumps over the lazy dog.",
    "It was a sunny day and the model generated tokens one by one.",
    "def f(x):\n    return x * 2 + 1\n",
    "Paged attention stores keys and values in blocks of sixteen tokens.",
    "Continuous batching schedules prefill and decode under a token budget.",
] * 4


def ensure_venv():
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():  # already inside
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    # PyPI's torch wheel is the CUDA build: its CUDA runtime wheels (a few GB)
    # must come along, since torch._C links libcufile & co even on a CPU-only
    # machine (download.pytorch.org's CPU wheels are not reachable here).
    subprocess.check_call([str(py), "-m", "pip", "install", "-q", *PINS])
    os.execv(str(py), [str(py), __file__, *sys.argv[1:]])


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB - 2, special_tokens=["<|endoftext|>", "<|im_start|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS, trainer)
    return tok


def model_specs():
    from transformers import LlamaConfig, Qwen2Config, Qwen3Config

    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=512,
                  rms_norm_eps=1e-6, bos_token_id=None, eos_token_id=0, initializer_range=0.08)
    return {
        "qwen3-tied": Qwen3Config(**common, tie_word_embeddings=True, rope_theta=10000.0),
        "qwen3-untied": Qwen3Config(**common, tie_word_embeddings=False, rope_theta=1000000.0),
        "llama3-rope": LlamaConfig(**common, tie_word_embeddings=False, rope_theta=10000.0,
                                   rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                 "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
        "qwen2-bias": Qwen2Config(**{k: v for k, v in common.items() if k != "head_dim"},
                                  tie_word_embeddings=False, rope_theta=10000.0),
    }


def randomize(model, torch, seed):
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or "layernorm" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name or "lm_head" in name:
                p.copy_(0.5 * torch.randn(p.shape, generator=g))
            else:
                # o_proj / down_proj write the residual stream: 3x gain so the
                # layers outweigh the token's own embedding (else a tied
                # lm_head just predicts the input token again and again).
                gain = 3.0 if ("o_proj" in name or "down_proj" in name) else 1.0
                p.copy_(gain * torch.randn(p.shape, generator=g) / (p.shape[1] ** 0.5))


def main():
    ensure_venv()
    import torch
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    torch.set_num_threads(2)
    tok = build_tokenizer()
    prompts = [tok.encode(t).ids for t in PROMPT_TEXTS]
    for seed, (name, config) in enumerate(model_specs().items()):
        torch.manual_seed(seed)
        config._attn_implementation = "eager"
        model = AutoModelForCausalLM.from_config(config, attn_implementation="eager", dtype=torch.float32)
        randomize(model, torch, seed)
        model.eval()
        d = OUT / name
        d.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(d)
        for stale in d.glob("*.bin"):
            stale.unlink()
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>")
        fast.save_pretrained(d)
        records = []
        with torch.no_grad():
            for ids in prompts:
                logits = model(torch.tensor([ids])).logits[0]
                positions = sorted({0, len(ids) // 2, len(ids) - 1})
                rows = {str(p): [float(x) for x in logits[p]] for p in positions}
                seq = list(ids)
                greedy = []
                for _ in range(STEPS):  # full recompute each step: no cache in the reference
                    nxt = int(torch.argmax(model(torch.tensor([seq])).logits[0, -1]))
                    greedy.append(nxt)
                    seq.append(nxt)
                final = model(torch.tensor([seq[:-1]])).logits[0, -1]
                records.append({"input_ids": ids, "rows": rows, "greedy": greedy,
                                "final_logits": [float(x) for x in final]})
        golden = {"model": name, "transformers": __import__("transformers").__version__,
                  "torch": torch.__version__, "prompts": records}
        text = json.dumps(golden, separators=(",", ":"))
        # 8 significant digits are enough for a 1e-4 relative check and halve the file.
        import re
        text = re.sub(r"-?\d+\.\d+(?:e-?\d+)?", lambda m: "%.8g" % float(m.group(0)), text)
        (d / "golden.json").write_text(text + "\n")
        size = sum(f.stat().st_size for f in d.iterdir())
        print(f"{name}: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
