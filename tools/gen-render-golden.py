#!/usr/bin/env python3
"""Adds llmctl's manifest templates (templates/*.yaml.j2) to the template
engine's corpus (tests/data/jinja/cases/), so the C++ engine is checked against
Python jinja2 on our own templates too, not only on the feature cases.

For each value set (every line of tests/data/render/snapshots.txt, plus the
sets below) it asks the binary for the render context (`llmctl render ...
-o context`: what the templates see) and writes, for every template that
renders something with it (and, for the first set, the ones that render
nothing), the case

  render_<set>__<template>.json       the context
  render_<set>__<template>.opts.json  {"template": "../../../templates/<template>",
                                       trim_blocks, lstrip_blocks,
                                       keep_trailing_newline, strict: true}

(the options llmctl renders manifests with). Stale render_* cases are removed.
Then it runs tools/gen-jinja-golden.py, which writes each case's .out with
jinja2. Re-run both after changing a template or the context.

Usage: tools/gen-render-golden.py [LLMCTL_BIN]   (default build/llmctl; needs
jinja2, see tests/data/jinja/README.md)
"""
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys

import jinja2

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "data" / "jinja" / "cases"
TEMPLATES = ROOT / "templates"
OPTS = {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True, "strict": True}

# Value sets beyond the snapshots: strings the templates must quote.
EXTRA_SETS = {
    "quoting": ["qwen3-1.7b", "--instance", "g6.2xlarge", "--with", "ingress,monitoring",
                "--set", 'inference.modelServer.env.GREETING=say "hi" & it\'s <ok>',
                "--set", "inference.modelServer.env.FLAG=true",
                "--set", "inference.modelServer.env.NUMBER=0x1F",
                "--set", "inference.modelServer.env.DASHED=-c",
                "--set", "service.annotations.note=a: b # c",
                "--set", "monitoring.labels.release=kube-prometheus-stack",
                "--set", "extraLabels.version=1.0"],
}


def value_sets():
    sets = {}
    for line in (ROOT / "tests" / "data" / "render" / "snapshots.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, args = (part.strip() for part in line.split("|", 1))
        sets[name] = shlex.split(args)
    sets.update(EXTRA_SETS)
    return sets


def case_name(set_name, template):
    stem = template[: -len(".yaml.j2")]
    return "render_" + re.sub(r"[^a-z0-9]+", "_", set_name.lower()).strip("_") + "__" + stem


def main():
    llmctl = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "llmctl")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMCTL_", "HF_"))}
    env["HF_HUB_OFFLINE"] = "1"
    jenv = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)
    templates = sorted(p.name for p in TEMPLATES.glob("*.yaml.j2"))
    wanted = set()
    for index, (set_name, args) in enumerate(value_sets().items()):
        proc = subprocess.run([llmctl, "render", *args, "-o", "context"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"llmctl render {' '.join(args)} failed:\n{proc.stderr}")
        context = json.loads(proc.stdout)
        for template in templates:
            text = jenv.from_string((TEMPLATES / template).read_text()).render(**context)
            if not text.strip() and index > 0:
                continue
            name = case_name(set_name, template)
            wanted.add(name)
            (CASES / f"{name}.json").write_text(json.dumps(context, indent=1, ensure_ascii=False) + "\n")
            opts = {"template": f"../../../templates/{template}", **OPTS}
            (CASES / f"{name}.opts.json").write_text(json.dumps(opts, indent=1) + "\n")
    for path in CASES.glob("render_*"):
        if path.name.split(".")[0] not in wanted:
            path.unlink()
    print(f"{len(wanted)} render cases written; running gen-jinja-golden.py")
    return subprocess.call([sys.executable, str(ROOT / "tools" / "gen-jinja-golden.py")])


if __name__ == "__main__":
    sys.exit(main())
