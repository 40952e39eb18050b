#!/usr/bin/env python3
"""Checks an executed notebook against its source notebook; optionally writes its HTML outputs to one page.

usage: check_notebook.py EXECUTED.ipynb SOURCE.ipynb [--html OUT.html] [--label TEXT]

Code cells are matched by position (dotnet-repl drops cell metadata, so expectations are read from SOURCE):
- a cell whose source metadata has flux.expect_error (and the tag raises-exception) must fail with an error that
  contains that text and shows no stack trace;
- every other cell must not produce an error output;
- every string in a cell's flux.expect must appear in that cell's outputs (text/plain, text/html, streams, errors);
- no string in a cell's flux.reject may appear in its text outputs (text/plain and streams; e.g. "NaN" and "∞", how
  .NET prints a non-finite number, so the numbers a cell prints are finite).
The source notebook itself must read like the paper: its first code cell is the `#r "nuget:..."` line (the package
source comes from outside, e.g. a NuGet.config beside the executed copy), no code cell builds Plotly traces by hand
(SetProperty), submits code to a kernel (SubmitCode) or tweaks threads (set_num_threads), and no code cell is longer
than MAX_CELL_LINES lines.
Prints one line per problem and a summary line; exits 1 when there is a problem. Standard library only.
"""
import html
import json
import re
import sys

STACK_LINE = re.compile(r"^\s+at \S+\(.*\)", re.MULTILINE)
MAX_CELL_LINES = 16
FORBIDDEN = ("SetProperty", "SubmitCode", "set_num_threads")


def text_of(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def output_text(output):
    parts = [text_of(output.get("text"))]
    for mime in ("text/plain", "text/html", "text/markdown", "application/json"):
        if mime in output.get("data", {}):
            data = output["data"][mime]
            parts.append(json.dumps(data) if mime == "application/json" else text_of(data))
    if output.get("output_type") == "error":
        parts += [output.get("ename", ""), output.get("evalue", ""), "\n".join(output.get("traceback", []))]
    return "\n".join(parts)


def error_text(output):
    # Jupyter kernels may colour tracebacks with ANSI escapes.
    raw = "\n".join([output.get("evalue", "")] + list(output.get("traceback", [])))
    return re.sub(r"\x1b\[[0-9;]*m", "", raw)


def code_cells(nb):
    return [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def check(executed, source):
    problems = []
    ran, expected = code_cells(executed), code_cells(source)
    if len(ran) != len(expected):
        return [f"{len(ran)} code cells ran, the source has {len(expected)}"]
    for index, (out, src) in enumerate(zip(ran, expected), start=1):
        flux = src.get("metadata", {}).get("flux", {})
        first_line = text_of(src.get("source")).strip().splitlines()[0][:60] if text_of(src.get("source")).strip() else ""
        where = f"cell {index} ({first_line})"
        outputs = out.get("outputs", [])
        errors = [o for o in outputs if o.get("output_type") == "error"]
        want_error = flux.get("expect_error")
        if want_error:
            if not errors:
                problems.append(f"{where}: expected an error containing {want_error!r}, got none")
            elif not any(want_error in error_text(e) for e in errors):
                problems.append(f"{where}: expected an error containing {want_error!r}, got {error_text(errors[0])[:200]!r}")
            elif any(STACK_LINE.search(error_text(e)) for e in errors):
                problems.append(f"{where}: the error shows a stack trace")
        elif errors:
            problems.append(f"{where}: unexpected error {error_text(errors[0])[:300]!r}")
        everything = "\n".join(output_text(o) for o in outputs)
        for text in flux.get("expect", []):
            if text not in everything:
                problems.append(f"{where}: expected text {text!r} not found in the outputs")
        printed = "\n".join(text_of(o.get("text")) + text_of(o.get("data", {}).get("text/plain")) for o in outputs)
        for text in flux.get("reject", []):
            if text in printed:
                line = next(l for l in printed.splitlines() if text in l)
                problems.append(f"{where}: unwanted text {text!r} in the outputs: {line.strip()[:200]!r}")
    return problems


def lint(source):
    """Problems of the source notebook itself (see the module docstring)."""
    problems = []
    cells = code_cells(source)
    if not cells or not text_of(cells[0].get("source")).lstrip().startswith('#r "nuget:'):
        problems.append('the first code cell is not the #r "nuget:..." line')
    for index, cell in enumerate(cells, start=1):
        code = text_of(cell.get("source"))
        lines = code.strip("\n").splitlines()
        where = f"cell {index} ({lines[0][:60] if lines else ''})"
        for word in FORBIDDEN:
            if word in code:
                problems.append(f"{where}: uses {word}")
        if len(lines) > MAX_CELL_LINES:
            problems.append(f"{where}: {len(lines)} lines, more than {MAX_CELL_LINES}")
    return problems


DISPLAY_ID = re.compile(r'^\s*<div data-flux-display="([0-9a-f]+)"')


def display_key(fragment):
    """Outputs that are versions of one updated display: the extension's live panels carry data-flux-display, and
    the kernel's package-restore progress starts with <div><div><strong>. Other outputs are never merged."""
    m = DISPLAY_ID.match(fragment)
    if m:
        return m.group(1)
    if fragment.startswith("<div><div><strong>"):
        return "nuget-progress"
    return None


def write_html(executed, path, title):
    """All text/html outputs in order. dotnet-repl writes every update of a display as a new output, so consecutive
    outputs of a cell that are versions of one display are reduced to the last one."""
    fragments = []
    for cell in code_cells(executed):
        previous = None
        for output in cell.get("outputs", []):
            if "text/html" not in output.get("data", {}):
                continue
            fragment = text_of(output["data"]["text/html"])
            key = display_key(fragment)
            if key is not None and key == previous:
                fragments[-1] = fragment
            else:
                fragments.append(fragment)
            previous = key
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head><body>\n")
        for fragment in fragments:
            f.write("<div class=\"notebook-output\">\n" + fragment + "\n</div>\n")
        f.write("</body></html>\n")
    return len(fragments)


def main(argv):
    args = [a for a in argv]
    html_path = label = None
    if "--html" in args:
        i = args.index("--html"); html_path = args[i + 1]; del args[i:i + 2]
    if "--label" in args:
        i = args.index("--label"); label = args[i + 1]; del args[i:i + 2]
    if len(args) != 2:
        print(__doc__)
        return 2
    executed_path, source_path = args
    label = label or executed_path
    try:
        with open(executed_path, encoding="utf-8") as f:
            executed = json.load(f)
    except (OSError, ValueError) as e:
        print(f"FAIL {label}: cannot read the executed notebook: {e}")
        return 1
    with open(source_path, encoding="utf-8") as f:
        source = json.load(f)
    problems = lint(source) + check(executed, source)
    if html_path:
        n = write_html(executed, html_path, label)
        print(f"  {label}: {n} HTML outputs written to {html_path}")
    for p in problems:
        print(f"  {label}: {p}")
    cells = len(code_cells(source))
    print(f"{'FAIL' if problems else 'ok'} {label}: {cells} code cells, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
