"""LLMCTL_CUDA=AUTO|ON|OFF at configure time, with and without nvcc."""
import os
import subprocess

from conftest import ROOT


def configure(tmp_path, *options, hide_nvcc=False):
    env = dict(os.environ)
    env.pop("CUDACXX", None)
    args = ["cmake", "-S", str(ROOT), "-B", str(tmp_path / "b"), "-G", "Ninja", "-DLLMCTL_BUILD_TESTS=OFF",
            *options]
    if hide_nvcc:
        env["PATH"] = "/usr/bin:/bin"
        args.append("-DLLMCTL_CUDA_ROOT=/nonexistent")
    return subprocess.run(args, capture_output=True, text=True, env=env)


def test_cuda_on_without_nvcc_fails_clearly(tmp_path):
    r = configure(tmp_path, "-DLLMCTL_CUDA=ON", hide_nvcc=True)
    assert r.returncode != 0
    assert "LLMCTL_CUDA=ON but no CUDA compiler (nvcc) was found" in r.stderr
    assert "-DLLMCTL_CUDA=OFF" in r.stderr


def test_cuda_auto_without_nvcc_builds_cpu_only(tmp_path):
    r = configure(tmp_path, "-DLLMCTL_CUDA=AUTO", hide_nvcc=True)
    assert r.returncode == 0, r.stderr
    assert "building the CPU backend only" in r.stdout


def test_cuda_off_never_looks_for_nvcc(tmp_path):
    r = configure(tmp_path, "-DLLMCTL_CUDA=OFF")
    assert r.returncode == 0, r.stderr
    assert "CUDA backend" not in r.stdout


def test_invalid_cuda_mode_is_rejected(tmp_path):
    r = configure(tmp_path, "-DLLMCTL_CUDA=MAYBE")
    assert r.returncode != 0
    assert "LLMCTL_CUDA must be AUTO, ON or OFF" in r.stderr
