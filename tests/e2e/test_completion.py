"""Shell completions: generated from the live CLI, current in completions/, and
working in real shells (bash through its completion function, fish through
`complete -C`, zsh syntax-checked)."""
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

COMPLETIONS = ROOT / "completions"


def bash_complete(script: pathlib.Path, line: str) -> list[str]:
    """Runs the bash completion function for `line` (cursor at its end)."""
    words = line.split(" ")
    quoted = " ".join("'" + w + "'" for w in words)
    prog = f"""
source '{script}'
COMP_WORDS=({quoted})
COMP_CWORD={len(words) - 1}
COMP_LINE='{line}'
COMP_POINT={len(line)}
_llmctl
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True,
                         text=True, check=True, cwd="/").stdout
    return [w for w in out.splitlines() if w]


@pytest.mark.parametrize("shell,file", [("bash", "llmctl.bash"), ("zsh", "_llmctl"),
                                        ("fish", "llmctl.fish")])
def test_committed_scripts_are_current(run, shell, file):
    r = run("completion", shell)
    assert r.code == 0
    assert r.out == (COMPLETIONS / file).read_text(), f"run `make completions` ({file} is stale)"


def test_bash_completes_subcommands(run, tmp_path):
    script = tmp_path / "llmctl.bash"
    script.write_text(run("completion", "bash").out)
    assert "models" in bash_complete(script, "llmctl mo")
    assert set(bash_complete(script, "llmctl ")) >= {"models", "inspect", "completion"}


def test_bash_completes_flags_and_values(run, tmp_path):
    script = tmp_path / "llmctl.bash"
    script.write_text(run("completion", "bash").out)
    assert "--output" in bash_complete(script, "llmctl models --out")
    assert bash_complete(script, "llmctl models -o ") == ["table", "json", "yaml"]
    assert bash_complete(script, "llmctl models --output j") == ["json"]
    assert bash_complete(script, "llmctl models --output = y") == ["yaml"]
    assert set(bash_complete(script, "llmctl completion ")) == {"bash", "zsh", "fish"}
    # global flags reach subcommands
    assert "--no-color" in bash_complete(script, "llmctl inspect --no")


def test_bash_completes_model_aliases(run, tmp_path):
    script = tmp_path / "llmctl.bash"
    script.write_text(run("completion", "bash").out)
    got = bash_complete(script, "llmctl inspect qwen3-1")
    assert "qwen3-1.7b" in got
    assert "qwen3-14b" in got
    # after an option with a value, still the positional model
    assert "qwen3-1.7b" in bash_complete(script, "llmctl inspect -o json qwen3-1")


def test_zsh_script_is_valid_syntax(run, tmp_path):
    if not shutil.which("zsh"):
        pytest.skip("zsh not installed")
    script = tmp_path / "_llmctl"
    script.write_text(run("completion", "zsh").out)
    subprocess.run(["zsh", "-n", str(script)], check=True)


def test_fish_completes(run, tmp_path):
    if not shutil.which("fish"):
        pytest.skip("fish not installed")
    script = tmp_path / "llmctl.fish"
    script.write_text(run("completion", "fish").out)

    def complete(line):
        out = subprocess.run(["fish", "--no-config", "-c", f"source {script}; complete -C '{line}'"],
                             capture_output=True, text=True, check=True).stdout
        return [l.split("\t")[0] for l in out.splitlines()]

    assert "models" in complete("llmctl mo")
    assert "--output" in complete("llmctl models --out")
    assert set(complete("llmctl models -o ")) == {"table", "json", "yaml"}
    assert "qwen3-1.7b" in complete("llmctl inspect qwen3-1")
