#!/usr/bin/env python3
"""Golden data for the native tokenizer (lib/text/tokenizer), made with
Hugging Face `tokenizers` itself (pinned in tests/e2e/requirements.txt).

Writes into tests/data/tokenizer/:
  corpus.jsonl            the test strings, one JSON object a line:
                          {"t": text} or, for byte strings that are not valid
                          UTF-8, {"x": hex bytes}
  <name>.tokenizer.json   tokenizers trained here on a small corpus, one per
                          family llmctl must handle (see TOKENIZERS below)
  <name>.golden.jsonl     per corpus line: {"ids": HF ids with
                          add_special_tokens=True} plus "d" (decode with
                          special tokens) when it differs from the input text
                          and "s" (decode skipping them) when it differs from
                          "d"; both as the FNV-1a 64-bit hash (16 hex digits)
                          of the decoded UTF-8, which keeps the files small

"qwen3" is the real Qwen3 tokenizer in ../shared/data/qwen3-tokenizer/.

Invalid UTF-8: HF encodes a Python str, so bytes reach it only after a
decode. The C++ API takes bytes and replaces each maximal invalid subsequence
with U+FFFD, exactly what bytes.decode("utf-8", errors="replace") does; the
golden ids of an {"x": ...} line are those of that decoded string.

Usage: tools/gen-tokenizer-golden.py [--check]
  Without --check the tokenizers are trained again; BpeTrainer breaks
  ties in an unspecified order, so their files may change from run to run,
  always together with their golden ids. --check keeps the stored
  tokenizers and verifies the golden files against them.
"""
import argparse
import json
import pathlib
import random
import sys

import tokenizers
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from tokenizers import AddedToken

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "tokenizer"
QWEN3 = ROOT.parent / "shared" / "data" / "qwen3-tokenizer" / "tokenizer.json"
EXPECTED_TOKENIZERS = "0.22.1"
SEED = 20250314

# ---- corpus ------------------------------------------------------------------

ENGLISH = [
    "The quick brown fox jumps over the lazy dog.",
    "Hello, world! How are you doing today?",
    "I'm sure they'll say it's fine, but we've seen what'd happen.",
    "SHE'S HERE AND HE'LL BE THERE; THEY'RE READY, I'D SAY.",
    "Don't stop believing: hold on to that feeling.",
    "Tokenization turns text into the integers a model was trained on.",
    "A naïve café owner in Zürich ordered crème brûlée for the coöperative.",
    "Email me at someone@example.com or visit https://example.org/path?q=1&r=2#frag.",
    "Prices rose 3.5% to $1,234.56 on 2024-03-14 at 09:26:53 UTC.",
    "Mr. O'Neil's dog — a 12-year-old beagle — didn't bark (much).",
    "Is it 'single' or \"double\" quoted? `Backticks` too...",
    "e.g., i.e., etc., vs. & so on; 50/50; 1/2; 3:4; #hashtag @mention",
]
CODE = [
    "def main(argv):\n    return sum(int(x) for x in argv[1:])\n",
    "#include <vector>\nint main() {\n\tstd::vector<int> v{1, 2, 3};\n\treturn v.size() > 2 ? 0 : 1;\n}\n",
    "for (let i = 0; i < n; ++i) { total += a[i] * b[i]; }",
    '{"name": "llmctl", "version": "0.1.0", "tags": ["cli", "llm"], "ok": true, "n": null}',
    "<html><body><p class=\"x\">Hi &amp; bye</p></body></html>",
    "SELECT id, name FROM users WHERE age >= 21 ORDER BY name DESC LIMIT 10;",
    "    if x == None:\n        raise ValueError('bad')\n    elif x != 0:\n        pass",
    "fn add(a: u32, b: u32) -> u32 { a.wrapping_add(b) } // 0x7fffffff",
    "$ ls -la /tmp | grep -v '^d' && echo \"done\" > /dev/null 2>&1",
    "x = [i**2 for i in range(10) if i % 2 == 0]  # squares\r\n",
    "key:\n  - item1\n  - item2\nother: {a: 1, b: [2, 3]}\n",
]
SCRIPTS = [
    "你好，世界！今天天气很好，我们去公园散步吧。",
    "机器学习模型需要大量的训练数据和计算资源。",
    "日本語のテキストも正しく処理できますか？カタカナとひらがな。",
    "東京都渋谷区で会議があります。よろしくお願いします。",
    "안녕하세요, 만나서 반갑습니다. 한국어 문장입니다.",
    "مرحبا بالعالم! هذه جملة باللغة العربية.",
    "اللُّغَةُ العَرَبِيَّةُ جَمِيلَةٌ ١٢٣٤٥",
    "नमस्ते दुनिया! यह हिंदी में एक वाक्य है।",
    "क्षत्रिय ज्ञान श्री द्वारा",
    "สวัสดีครับ ยินดีที่ได้รู้จัก ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "Привет, мир! Это предложение на русском языке.",
    "Γειά σου κόσμε! ΣΟΦΙΑ σοφία ς.",
    "שלום עולם! זה משפט בעברית.",
    "Xin chào thế giới! Tiếng Việt có nhiều dấu.",
    "வணக்கம் உலகம்! தமிழ் மொழி.",
    "হ্যালো বিশ্ব! বাংলা ভাষা।",
    "Ελληνικά και English mixed με 中文 και العربية.",
    "İstanbul'da ılık bir gün; IĞDIR ŞİŞLİ.",
    "Straße, Maß, groß — STRASSE.",
    "ﬁnancial ﬂow ＡＢＣ１２３ ｶﾀｶﾅ Ⅻ ① ㍿ ™",
    "e\u0301 vs \u00e9, A\u030a vs \u00c5, \u1e9b\u0323",
    "ქართული ენა, Հայերեն, አማርኛ, ᠮᠣᠩᠭᠣᠯ",
]
EMOJI = [
    "👨‍👩‍👧‍👦 family", "👍🏽👍🏿👋🏻", "🇫🇷🇯🇵🇺🇸", "1️⃣2️⃣#️⃣", "🏳️‍🌈 flag", "😀😃😄😁😆😅🤣😂",
    "🧑🏾‍💻 coding", "❤️‍🔥 heart on fire", "👩‍❤️‍💋‍👨", "🐍 + 🦀 = 🚀", "a😀b", "🫠🫡🥹",
]
NUMBERS = [
    "0", "7", "42", "123456789", "3.14159265358979", "-273.15", "1,000,000", "1e-9", "0xDEADBEEF",
    "٠١٢٣٤٥٦٧٨٩", "०१२३४५", "²³¹", "½ ¾ ⅓", "ⅠⅡⅢⅣ", "１２３", "2024年3月14日", "v1.2.3-rc.4+build.5",
    "+1 (555) 123-4567", "99.9%", "10^6", "12:30:45.678",
]
WHITESPACE = [
    " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", " \n ", "a  b", "a   b",
    "a\tb", "a\t\tb", "a\nb", "a\r\nb", "  leading", "trailing  ", " both ", "\n  indented\n    more\n",
    "a\u00a0b", "a\u3000b", "a\u2028b", "a\u2029b", "a\u0085b", "a\u200bb", "\ufeffbom", "a\u2003\u2003b",
    "a \u00a0 b", "x\u000by\u000cz", "a\u1680b", "a\u202fb", "a\u205fb", "tab\tthen  spaces   and\nnewline",
    "  \t \n\t  ", "a \n b", "end.\n", "x\u180ey",
]
CONTRACTIONS = [
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'ſ", "'K",
    "it's", "IT'S", "we're", "WE'RE", "you'VE", "o'clock", "rock'n'roll", "'''", "''s", " 's", "x's'",
]
CONTROL = [
    "\x00", "a\x00b", "\x1b[31mred\x1b[0m", "\x7f", "\x01\x02\x03", "bell\x07", "\u0600\u0601", "\u200e\u200f",
    "\u2066isolate\u2069", "\ue000 private", "\U000f0000", "\U0001d400\U0001d7d8", "\ufffd", "\uffff",
]
NORMALIZE = [
    "Å", "Å", "Ω", "Ω", "ﬃ", "㎏", "¼", "ℌ", "ẛ̣", "한", "한", "ＨＥＬＬＯ", "ǅ", "ΣΑΣ ΟΔΟΣ",
    "İ", "ẞ", "Ǆ", "ﬀ", "ŉ", "K", "Å",
]
INVALID = [
    b"\xff", b"\xfe\xff", b"abc\x80def", b"\xc3", b"\xc3(", b"caf\xc3", b"\xe2\x82", b"\xe2\x82(",
    b"\xf0\x9f\x98", b"\xf0\x9f\x98 ok", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf",
    b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"ok \x80\x81\x82 ok", b"\xc2\x41", b"mix \xe4\xbd\xa0\xe5 end",
    b"\x80", b"a\xbfb", b"<|im_start|>\xff<|im_end|>", b"\xef\xbb", b"\xf0\x90\x80", b"trail\xe2",
]
LONG = [
    "a" * 1500,
    "supercalifragilisticexpialidocious" * 30,
    "1234567890" * 60,
    "ab" * 400 + " " + "xyz" * 200,
    "😀" * 120,
    " " * 300 + "x",
    "\n" * 200,
    "-" * 500,
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "https://example.com/" + "very/long/path/" * 40,
    "的" * 400,
    "ก" * 300,
]
SPECIAL_STRINGS = [
    "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|im_start", "im_start|>", "<||>", "<|im_end|><|im_end|>",
    "text<|endoftext|>more text", " <|endoftext|> ", "<think>\nreasoning\n</think>\n\nanswer", "<think></think>",
    "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>", "<tool_response>ok</tool_response>",
    "<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>", "<s>", "</s>", "<unk>", "<s> hello </s>",
    "<0x41>", "<0xZZ>", "[MASK]", "a [MASK] b", "a[MASK]b", "  [MASK]  ", "<|bos|>x<|eos|>", "<mask>", "qux",
    "qux quux", "aqux", "qux.", "_qux", "Hello World", "hello world", "HELLO WORLD", "<|pad|>", "<tool_call>",
    "[CLS] a [SEP]", "<|user|>", "▁", "▁▁x", "Ġ", "Ċ", "##ing", "</w>",
]

FRAGMENT_POOLS = [ENGLISH, CODE, SCRIPTS, EMOJI, NUMBERS, WHITESPACE, CONTRACTIONS, SPECIAL_STRINGS, NORMALIZE, CONTROL]
SEPARATORS = [" ", " ", " ", "", "\n", "\t", "  ", "\r\n", ", ", ". ", "\n\n", " - "]


def build_corpus():
    """Deterministic list of str (valid) and bytes (invalid UTF-8) items."""
    rng = random.Random(SEED)
    items = []
    for pool in (ENGLISH, CODE, SCRIPTS, EMOJI, NUMBERS, WHITESPACE, CONTRACTIONS, CONTROL, NORMALIZE, LONG,
                 SPECIAL_STRINGS):
        items.extend(pool)
    items.extend(INVALID)
    # Every Latin-1 and a sample of BMP/astral code points alone.
    items.extend(chr(c) for c in range(0x20, 0x100) if c != 0x7F)
    items.extend(chr(rng.randrange(0x100, 0x3000)) + chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(60))
    # Random mixtures: the bulk of the corpus.
    while len(items) < 2200:
        n = rng.randint(1, 6)
        parts = []
        for _ in range(n):
            pool = rng.choice(FRAGMENT_POOLS)
            frag = rng.choice(pool)
            if rng.random() < 0.3 and len(frag) > 8:  # a random slice: splits words and graphemes
                a = rng.randrange(len(frag))
                frag = frag[a:a + rng.randint(1, 40)]
            parts.append(frag)
            parts.append(rng.choice(SEPARATORS))
        text = "".join(parts[:-1]) if rng.random() < 0.7 else "".join(parts)
        if rng.random() < 0.05:  # corrupt a few mixtures into invalid UTF-8
            raw = bytearray(text.encode("utf-8"))
            raw.insert(rng.randrange(len(raw) + 1), rng.choice([0x80, 0xC3, 0xE2, 0xF0, 0xFF]))
            items.append(bytes(raw))
        else:
            items.append(text)
    items.append("")
    return items


def as_text(item):
    return item.decode("utf-8", errors="replace") if isinstance(item, bytes) else item


# ---- tokenizers trained here -----------------------------------------------------

BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]


def training_text(corpus):
    texts = [as_text(t) for t in corpus]
    # Repeat the readable part so merges are learnt for common words.
    return texts + ENGLISH * 20 + CODE * 10 + SCRIPTS * 5


def build_bytelevel(corpus):
    """GPT-2 / RoBERTa style byte-level BPE: NFKC, Digits + ByteLevel(add_prefix_space, regex),
    a BOS/EOS template and added tokens with every flag."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=False),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1200, special_tokens=["<|bos|>", "<|eos|>", "<|pad|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(training_text(corpus), trainer)
    tok.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=True, special=True, normalized=False)])
    tok.add_tokens([
        AddedToken("<tool_call>", special=False, normalized=False),
        AddedToken("qux", single_word=True, special=False, normalized=False),
        AddedToken("Hello World", special=False, normalized=True),
        AddedToken("ｍｙ_tok", special=False, normalized=True),  # NFKC makes it "my_tok"
        AddedToken("[MASK]", lstrip=True, special=False, normalized=False),
    ])
    bos, eos = tok.token_to_id("<|bos|>"), tok.token_to_id("<|eos|>")
    tok.post_processor = processors.TemplateProcessing(
        single="<|bos|> $A <|eos|>", pair="<|bos|> $A <|eos|> $B:1 <|eos|>:1",
        special_tokens=[("<|bos|>", bos), ("<|eos|>", eos)])
    return tok


def build_sentencepiece(corpus):
    """Llama 2 style: Prepend + Replace normalizer, no pre-tokenizer, BPE with byte_fallback
    and fused <unk>, the Replace/ByteFallback/Fuse/Strip decoder and a <s> template."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=1500, special_tokens=["<unk>", "<s>", "</s>"] + BYTE_TOKENS,
                                  limit_alphabet=150, show_progress=False)
    tok.train_from_iterator(training_text(corpus), trainer)
    # Llama 2's byte tokens live in the model vocabulary only, never as added tokens.
    data = json.loads(tok.to_str())
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] not in BYTE_TOKENS]
    data["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}
    data["pre_tokenizer"] = None
    data["decoder"] = {"type": "Sequence", "decoders": [
        {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
        {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
    tok = Tokenizer.from_str(json.dumps(data))
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B:1", special_tokens=[("<s>", tok.token_to_id("<s>"))])
    return tok


def build_metaspace(corpus):
    """Newer SentencePiece-style (Mistral/Gemma-like) with the other components:
    NFKC+Lowercase+Strip, Punctuation + Digits(individual) + Metaspace(prepend first),
    byte fallback without unk, Metaspace/ByteFallback/Fuse decoder."""
    tok = Tokenizer(models.BPE(byte_fallback=True))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase(),
                                           normalizers.Strip(left=True, right=True)])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Punctuation(behavior="isolated"),
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
    ])
    tok.decoder = decoders.Sequence([decoders.Metaspace(replacement="▁", prepend_scheme="first"),
                                     decoders.ByteFallback(), decoders.Fuse()])
    trainer = trainers.BpeTrainer(vocab_size=1400, special_tokens=["<pad>", "<bos>", "<eos>"] + BYTE_TOKENS,
                                  limit_alphabet=200, show_progress=False)
    tok.train_from_iterator(training_text(corpus), trainer)
    data = json.loads(tok.to_str())
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] not in BYTE_TOKENS]
    tok = Tokenizer.from_str(json.dumps(data))
    tok.add_tokens([AddedToken("<tool_call>", special=False, normalized=False),
                    AddedToken("hello world", special=False, normalized=True)])
    tok.post_processor = processors.TemplateProcessing(
        single="<bos> $A <eos>", special_tokens=[("<bos>", tok.token_to_id("<bos>")),
                                                  ("<eos>", tok.token_to_id("<eos>"))])
    return tok


def build_wordpiece_like(corpus):
    """BPE with continuing_subword_prefix/end_of_word_suffix/ignore_merges/unk and the
    remaining splitters: Whitespace, WhitespaceSplit, Split (string, regex, invert, every
    behaviour), a Replace(regex) normalizer and a Replace/Strip decoder."""
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>",
                               ignore_merges=True))
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Replace(Regex(r"\p{Mn}+"), ""),
                                           normalizers.Replace(Regex(r"[0-9]{4,}"), "<num>"), normalizers.NFC()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Split("-", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"[.,;:]"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"\p{Han}"), behavior="isolated"),
        pre_tokenizers.Split(Regex(r"[a-z]+"), behavior="contiguous", invert=True),
        pre_tokenizers.Split("/", behavior="removed"),
        pre_tokenizers.Whitespace(),
    ])
    tok.decoder = decoders.Sequence([decoders.Replace("##", ""), decoders.Replace("</w>", " "),
                                     decoders.Strip(" ", 0, 1)])
    trainer = trainers.BpeTrainer(vocab_size=1500, special_tokens=["[UNK]", "[CLS]", "[SEP]"],
                                  continuing_subword_prefix="##", end_of_word_suffix="</w>",
                                  limit_alphabet=300, show_progress=False)
    tok.train_from_iterator(training_text(corpus), trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", tok.token_to_id("[CLS]")),
                                                  ("[SEP]", tok.token_to_id("[SEP]"))])
    return tok


LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                  r"|\s*[\r\n]+|\s+(?!\S)|\s+")


IGNORE_MERGES_WORDS = ["Pneumonoultramicroscopicsilicovolcanoconiosis", " Tokenization", "Tokenization", " coöperative",
                       " 你好", "supercalifragilisticexpialidocious", " quick", " Zürich"]


def byte_level_spelling(text):
    """GPT-2's bytes_to_unicode spelling of text, as byte-level vocabularies store it."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    table = dict(zip(bs, map(chr, cs)))
    return "".join(table[b] for b in text.encode("utf-8"))


def build_llama3(corpus):
    """Llama 3 style: Split with Llama 3's regex, ByteLevel without its own regex,
    ignore_merges (whole words found in the vocabulary skip merging), a BOS template."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=1300, special_tokens=["<|begin_of_text|>", "<|end_of_text|>",
                                                                   "<|eot_id|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(training_text(corpus), trainer)
    data = json.loads(tok.to_str())
    data["model"]["ignore_merges"] = True
    # Whole words the merges would not rebuild, so ignore_merges changes ids.
    vocab = data["model"]["vocab"]
    for word in IGNORE_MERGES_WORDS:
        vocab.setdefault(byte_level_spelling(word), len(vocab))
    tok = Tokenizer.from_str(json.dumps(data))
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|begin_of_text|> $A",
                                      special_tokens=[("<|begin_of_text|>", tok.token_to_id("<|begin_of_text|>"))]),
    ])
    return tok


BUILT = {
    "bytelevel": build_bytelevel,
    "sentencepiece": build_sentencepiece,
    "metaspace": build_metaspace,
    "wordpiece-like": build_wordpiece_like,
    "llama3-style": build_llama3,
}


# ---- golden ids ------------------------------------------------------------------

def fnv1a64(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def golden_lines(tok, corpus):
    lines = []
    for item in corpus:
        text = as_text(item)
        ids = tok.encode(text).ids
        entry = {"ids": ids}
        with_special = tok.decode(ids, skip_special_tokens=False)
        skipped = tok.decode(ids, skip_special_tokens=True)
        if with_special != text:
            entry["d"] = fnv1a64(with_special)
        if skipped != with_special:
            entry["s"] = fnv1a64(skipped)
        lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return lines


def corpus_lines(corpus):
    return [json.dumps({"x": item.hex()} if isinstance(item, bytes) else {"t": item}, ensure_ascii=False,
                       separators=(",", ":")) for item in corpus]


def write_or_check(path, lines, check):
    want = ("\n".join(lines) + "\n").encode("utf-8")
    if check:
        ok = path.exists() and path.read_bytes() == want
        print(f"{'ok' if ok else 'STALE'}: {path.relative_to(ROOT)}")
        return ok
    path.write_bytes(want)
    print(f"wrote {path.relative_to(ROOT)} ({len(want)} bytes)")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the stored files instead of writing")
    args = parser.parse_args()
    if tokenizers.__version__ != EXPECTED_TOKENIZERS:
        print(f"warning: tokenizers {tokenizers.__version__}, the data was made with {EXPECTED_TOKENIZERS}",
              file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    corpus = build_corpus()
    ok = write_or_check(OUT / "corpus.jsonl", corpus_lines(corpus), args.check)

    toks = {}
    for name, build in BUILT.items():
        path = OUT / f"{name}.tokenizer.json"
        if args.check:
            toks[name] = Tokenizer.from_file(str(path))
        else:
            tok = build(corpus)
            # Reload from the saved JSON so the golden ids are those of the file C++ reads.
            path.write_text(tok.to_str(pretty=False) + "\n", encoding="utf-8")
            toks[name] = Tokenizer.from_file(str(path))
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    if QWEN3.exists():
        toks["qwen3"] = Tokenizer.from_file(str(QWEN3))
    else:
        print(f"warning: {QWEN3} missing, no qwen3 golden", file=sys.stderr)

    for name, tok in toks.items():
        ok &= write_or_check(OUT / f"{name}.golden.jsonl", golden_lines(tok, corpus), args.check)
    print(f"{len(corpus)} corpus strings, {len(toks)} tokenizers")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
