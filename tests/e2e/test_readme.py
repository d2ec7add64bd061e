"""The README's pasted examples are what the binary prints.

Every fenced block whose first line is `$ llmctl ...` is run; its output must
equal the rest of the block. A block with a line `...` is an excerpt: its other
lines must appear in the output, in order. Commands that need a network or a
local file the README cannot ship (pull, serve, bench) are not checked here."""
import re
import shlex

from conftest import ROOT

SKIP = ("pull", "serve", "bench", "run")


def readme_examples():
    text = (ROOT / "README.md").read_text()
    for block in re.findall(r"```\n(.*?)```", text, re.S):
        lines = block.rstrip("\n").split("\n")
        if lines and lines[0].startswith("$ llmctl "):
            yield lines[0][2:], lines[1:]


def test_readme_has_examples():
    assert len(list(readme_examples())) >= 3


def test_readme_examples_match_the_binary(run):
    for command, expected in readme_examples():
        args = shlex.split(command)[1:]
        if args and args[0] in SKIP:
            continue
        r = run(*args)
        actual = (r.out + r.err).rstrip("\n").split("\n")
        if "..." in expected:
            pos = 0
            for line in (l for l in expected if l != "..."):
                assert line in actual[pos:], f"{command}: {line!r} not in output"
                pos = actual.index(line, pos) + 1
        else:
            assert actual == expected, f"README example differs: {command}"
