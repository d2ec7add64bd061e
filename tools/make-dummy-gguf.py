#!/usr/bin/env python3
"""A Qwen3-shaped GGUF with random weights, for bench/llamacpp-compare.

Same shapes as `llmctl run <model> --dummy-weights` (config.json of the model,
e.g. /work/shared/data/models/Qwen__Qwen3-0.6B): Linear weights ~ U(-a, a)
with a = sqrt(3 / fan_in), norms 1, tied embedding. Matrices in F32 or BF16
(1-D norm weights always F32, as llama.cpp's converter writes them). The
vocabulary (llama.cpp's loader needs one) comes from a Qwen tokenizer.json.

Runs with the gguf-py of the llama.cpp that tools/build-llamacpp built:
  ~/.cache/llmctl/llama.cpp/venv/bin/python tools/make-dummy-gguf.py \
      --config CONFIG.json --tokenizer DIR --dtype bf16 -o OUT.gguf
"""
import argparse
import json
import math
import pathlib

import numpy as np
import gguf


def vocab(tokenizer_dir: pathlib.Path, vocab_size: int):
    """GPT-2 style BPE vocab: tokens, types, merges, as convert_hf_to_gguf writes them."""
    tj = json.loads((tokenizer_dir / "tokenizer.json").read_text())
    ids = dict(tj["model"]["vocab"])
    special = set()
    for t in tj.get("added_tokens", []):
        ids[t["content"]] = t["id"]
        if t.get("special"):
            special.add(t["id"])
    by_id = {i: tok for tok, i in ids.items()}
    tokens, types = [], []
    for i in range(vocab_size):
        if i in by_id:
            tokens.append(by_id[i])
            types.append(gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL)
        else:
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    return tokens, types, merges, ids


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True, type=pathlib.Path)
    ap.add_argument("--tokenizer", required=True, type=pathlib.Path, help="directory with tokenizer.json")
    ap.add_argument("--dtype", choices=["f32", "bf16"], default="f32")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", required=True, type=pathlib.Path)
    args = ap.parse_args()

    c = json.loads(args.config.read_text())
    H, L, I, V = c["hidden_size"], c["num_hidden_layers"], c["intermediate_size"], c["vocab_size"]
    heads, kv = c["num_attention_heads"], c["num_key_value_heads"]
    D = c.get("head_dim") or H // heads
    arch = "qwen3"
    rng = np.random.default_rng(args.seed)
    qtype = gguf.GGMLQuantizationType.BF16 if args.dtype == "bf16" else gguf.GGMLQuantizationType.F32

    w = gguf.GGUFWriter(str(args.output), arch)
    w.add_name("qwen3-dummy")
    w.add_block_count(L)
    w.add_context_length(c.get("max_position_embeddings", 40960))
    w.add_embedding_length(H)
    w.add_feed_forward_length(I)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_key_length(D)
    w.add_value_length(D)
    w.add_rope_freq_base(float(c.get("rope_theta", 1e6)))
    w.add_layer_norm_rms_eps(float(c.get("rms_norm_eps", 1e-6)))
    w.add_file_type(gguf.LlamaFileType.MOSTLY_BF16 if args.dtype == "bf16" else gguf.LlamaFileType.ALL_F32)

    tokens, types, merges, ids = vocab(args.tokenizer, V)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    eos = ids.get("<|im_end|>", ids.get("<|endoftext|>", 0))
    w.add_eos_token_id(eos)
    w.add_pad_token_id(ids.get("<|endoftext|>", eos))
    w.add_bos_token_id(ids.get("<|endoftext|>", eos))
    w.add_add_bos_token(False)

    def matrix(name, out_dim, in_dim):
        a = math.sqrt(3.0 / in_dim)
        t = rng.uniform(-a, a, size=(out_dim, in_dim)).astype(np.float32)
        if qtype == gguf.GGMLQuantizationType.BF16:
            w.add_tensor(name, gguf.quants.quantize(t, qtype), raw_dtype=qtype)
        else:
            w.add_tensor(name, t)

    def ones(name, n):
        w.add_tensor(name, np.ones(n, dtype=np.float32))

    matrix("token_embd.weight", V, H)  # tied: llama.cpp uses it as the output head
    for i in range(L):
        p = f"blk.{i}."
        ones(p + "attn_norm.weight", H)
        matrix(p + "attn_q.weight", heads * D, H)
        matrix(p + "attn_k.weight", kv * D, H)
        matrix(p + "attn_v.weight", kv * D, H)
        ones(p + "attn_q_norm.weight", D)
        ones(p + "attn_k_norm.weight", D)
        matrix(p + "attn_output.weight", H, heads * D)
        ones(p + "ffn_norm.weight", H)
        matrix(p + "ffn_gate.weight", I, H)
        matrix(p + "ffn_up.weight", I, H)
        matrix(p + "ffn_down.weight", H, I)
    ones("output_norm.weight", H)
    if not c.get("tie_word_embeddings", True):
        matrix("output.weight", V, H)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
