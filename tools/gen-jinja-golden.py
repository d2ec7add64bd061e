#!/usr/bin/env python3
"""Render the template corpus of tests/data/jinja/ with Python jinja2, the
reference the C++ engine (lib/text/jinja) is tested against.

Each case in tests/data/jinja/cases/ is:
  NAME.json       the render context (a JSON object)
  NAME.j2         the template, unless NAME.opts.json names a shared one
  NAME.opts.json  optional options: trim_blocks, lstrip_blocks,
                  keep_trailing_newline, strict (StrictUndefined),
                  chat (transformers' chat template environment),
                  template (a path relative to tests/data/jinja/)
and gets, written here:
  NAME.out        the exact rendered bytes, or
  NAME.err        JSON {"type": exception class, "message": ..., "line": ...}
                  for templates jinja2 refuses.

Every environment has transformers' raise_exception(message) and
strftime_now(format) for the fixed date 2025-03-14 09:26:53.

Usage: tools/gen-jinja-golden.py [--check]   (needs jinja2, see
tests/e2e/requirements.txt; --check compares instead of writing)
"""
import argparse
import datetime
import json
import pathlib
import sys

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "jinja"
FIXED_NOW = datetime.datetime(2025, 3, 14, 9, 26, 53)
EXPECTED_JINJA2 = "3.1.6"


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def strftime_now(fmt):
    return FIXED_NOW.strftime(fmt)


def transformers_tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    # transformers' override of the tojson filter in apply_chat_template.
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


class GenerationTag(jinja2.ext.Extension):
    """transformers' AssistantTracker: {% generation %}...{% endgeneration %}
    renders its body (the assistant-mask bookkeeping is irrelevant here)."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    def _generation_support(self, caller):
        return caller()


def environment(opts, source_name, source):
    loader = jinja2.DictLoader({source_name: source})
    if opts.get("chat"):
        env = ImmutableSandboxedEnvironment(
            loader=loader, trim_blocks=True, lstrip_blocks=True,
            extensions=[GenerationTag, jinja2.ext.loopcontrols])
        env.filters["tojson"] = transformers_tojson
    else:
        env = jinja2.Environment(
            loader=loader,
            trim_blocks=opts.get("trim_blocks", False),
            lstrip_blocks=opts.get("lstrip_blocks", False),
            keep_trailing_newline=opts.get("keep_trailing_newline", False),
            undefined=jinja2.StrictUndefined if opts.get("strict") else jinja2.Undefined)
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render_case(context_path):
    name = context_path.name[: -len(".json")]
    opts_path = context_path.with_name(name + ".opts.json")
    opts = json.loads(opts_path.read_text(encoding="utf-8")) if opts_path.exists() else {}
    template_path = ROOT / opts["template"] if "template" in opts else context_path.with_name(name + ".j2")
    # newline="" keeps \r\n: jinja2 must see the bytes the C++ engine reads.
    with open(template_path, encoding="utf-8", newline="") as f:
        source = f.read()
    context = json.loads(context_path.read_text(encoding="utf-8"))
    template_name = template_path.name
    try:
        env = environment(opts, template_name, source)
        output = env.get_template(template_name).render(**context)
    except Exception as e:  # jinja2 and Python errors alike are expected results
        line = getattr(e, "lineno", None)
        return name, None, {"type": type(e).__name__, "message": str(e) if not isinstance(e, KeyError) else repr(e.args[0]), "line": line}
    return name, output, None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the stored results instead of writing")
    args = parser.parse_args()
    if jinja2.__version__ != EXPECTED_JINJA2:
        print(f"warning: jinja2 {jinja2.__version__}, the corpus was made with {EXPECTED_JINJA2}", file=sys.stderr)

    cases = sorted(p for p in (ROOT / "cases").glob("*.json") if not p.name.endswith(".opts.json"))
    stale = 0
    for context_path in cases:
        name, output, error = render_case(context_path)
        out_path = context_path.with_name(name + ".out")
        err_path = context_path.with_name(name + ".err")
        if error is None:
            want, drop = output.encode("utf-8"), err_path
            path = out_path
        else:
            want, drop = (json.dumps(error, ensure_ascii=False, indent=1) + "\n").encode("utf-8"), out_path
            path = err_path
        if args.check:
            if not path.exists() or path.read_bytes() != want or drop.exists():
                print(f"stale: {name}")
                stale += 1
            continue
        path.write_bytes(want)
        if drop.exists():
            drop.unlink()
    print(f"{len(cases)} cases" + (f", {stale} stale" if args.check else " rendered"))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
