"""`make install PREFIX=...` puts the binary, completions and templates in place,
and the installed binary works from there."""
import os
import pathlib
import subprocess

from conftest import ROOT


def test_install_into_prefix(llmctl_bin, tmp_path):
    build_dir = pathlib.Path(llmctl_bin).parent
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)], check=True,
                   capture_output=True)
    binary = prefix / "bin" / "llmctl"
    assert os.access(binary, os.X_OK)
    assert (prefix / "share" / "bash-completion" / "completions" / "llmctl").read_text() == \
        (ROOT / "completions" / "llmctl.bash").read_text()
    assert (prefix / "share" / "zsh" / "site-functions" / "_llmctl").is_file()
    assert (prefix / "share" / "fish" / "vendor_completions.d" / "llmctl.fish").is_file()
    assert (prefix / "share" / "llmctl" / "templates").is_dir()
    out = subprocess.run([str(binary), "models", "-o", "json"], capture_output=True, text=True,
                         check=True, cwd=tmp_path).stdout
    assert '"qwen3-1.7b"' in out  # the catalog is embedded: no data files needed
