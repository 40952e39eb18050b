#!/usr/bin/env python3
"""Check that every plotly chart in an HTML file really renders, offline, in headless chromium.

Usage: python3 tools/check_html_render.py report.html [--screenshot out.png] [--width 1500] [--budget 8000]

Standard library only. (1) Copies the page to a temporary folder and appends a probe script that records, once the
page has loaded, where each chart sits and how tall the page is. (2) Runs headless Debian chromium with --dump-dom
and no network (every host name resolves to nothing, so a page that needs a CDN fails) and reads plotly's rendered
DOM: per chart the `.main-svg` layers, trace groups and drawn data elements (line paths, marker points,
heatmap/image bitmaps, contour lines, WebGL canvases). (3) Screenshots the whole page, decodes the PNG with zlib in
pure python and checks that enough pixels inside each chart's rectangle differ from white.

Charts are elements with class `fm-plotly-chart` (FluxMatching.Plotting) or `js-plotly-plot`, plus every div id
passed to `Plotly.newPlot('<id>', ...)` in the source (Plotly.NET pages). Exit status: 0 when every chart was drawn;
1 with one line per blank chart; 2 when chromium cannot run or the page holds no chart. Installs chromium with
apt-get when it is missing (Debian).
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

PROBE_ID = "fm-render-probe"
CHART_CLASS = "fm-plotly-chart"

PROBE_TEMPLATE = """
<script type="text/javascript">
(function () {
  var extraIds = %s;
  function report() {
    var seen = [], charts = [];
    var nodes = Array.prototype.slice.call(document.querySelectorAll('.%s, .js-plotly-plot'));
    extraIds.forEach(function (id) { var el = document.getElementById(id); if (el) nodes.push(el); });
    nodes.forEach(function (el) {  // outermost chart elements only, each once
      for (var p = el.parentElement; p; p = p.parentElement) { if (nodes.indexOf(p) >= 0) return; }
      if (seen.indexOf(el) >= 0) return; seen.push(el);
      var r = el.getBoundingClientRect();
      charts.push({ id: el.id || '', x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
                    plotted: el.classList.contains('js-plotly-plot') || !!el.querySelector('.js-plotly-plot'),
                    text: (el.textContent || '').slice(0, 200) });
    });
    var pre = document.createElement('pre'), doc = document.documentElement;
    pre.id = '%s'; pre.style.display = 'none';
    pre.textContent = JSON.stringify({ width: doc.scrollWidth, height: doc.scrollHeight, charts: charts });
    document.body.appendChild(pre);
  }
  window.addEventListener('load', function () { setTimeout(report, 2500); });
})();
</script>
"""

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PlotDomCounter(html.parser.HTMLParser):
    """Counts plotly's rendered elements per top-level chart element of a dumped DOM."""

    def __init__(self, chart_ids: set[str]):
        super().__init__(convert_charrefs=True)
        self.chart_ids = chart_ids
        self.stack: list[tuple[str, int | None]] = []  # (tag, index of the chart it opens or None)
        self.current: list[int] = []  # open chart indices (outermost first)
        self.charts: list[dict] = []
        self.probe_json = ""
        self._in_probe = False

    def _chart_starts(self, tag: str, attrs: dict) -> bool:
        classes = (attrs.get("class") or "").split()
        return tag == "div" and not self.current and (
            CHART_CLASS in classes or "js-plotly-plot" in classes or attrs.get("id", "") in self.chart_ids)

    def handle_starttag(self, tag, attr_list):
        attrs = {k: (v or "") for k, v in attr_list}
        opened = None
        if self._chart_starts(tag, attrs):
            self.charts.append({"id": attrs.get("id", ""), "main_svg": 0, "trace_groups": 0, "data_elements": 0,
                                "plotly": "js-plotly-plot" in (attrs.get("class") or "").split()})
            opened = len(self.charts) - 1
            self.current.append(opened)
        elif self.current:
            self._count(tag, attrs)
        if tag == "pre" and attrs.get("id") == PROBE_ID:
            self._in_probe = True
        if tag not in VOID_TAGS:
            self.stack.append((tag, opened))

    def handle_startendtag(self, tag, attr_list):
        if self.current:
            self._count(tag, {k: (v or "") for k, v in attr_list})

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_probe = False
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for _, opened in self.stack[i:]:
                    if opened is not None and self.current and self.current[-1] == opened:
                        self.current.pop()
                del self.stack[i:]
                return

    def handle_data(self, data):
        if self._in_probe:
            self.probe_json += data

    def _count(self, tag, attrs):
        c = self.charts[self.current[-1]]
        classes = set((attrs.get("class") or "").split())
        if "js-plotly-plot" in classes:
            c["plotly"] = True
        if tag == "svg" and "main-svg" in classes:
            c["main_svg"] += 1
        if tag == "g" and classes & {"trace", "hm", "im", "contour"}:
            c["trace_groups"] += 1
        d = attrs.get("d", "")
        if tag == "path" and "js-line" in classes and len(d) > 3 and d not in ("M0,0Z", "M0,0"):
            c["data_elements"] += 1
        elif tag == "path" and "point" in classes and len(d) > 3:
            c["data_elements"] += 1
        elif tag == "path" and classes & {"contourlevel", "isoline"} and len(d) > 3:
            c["data_elements"] += 1
        elif tag == "image" and (attrs.get("href") or attrs.get("xlink:href")):
            c["data_elements"] += 1
        elif tag == "canvas" and classes & {"gl-canvas-context", "gl-canvas-focus", "gl-canvas"}:
            c["data_elements"] += 1


def decode_png(path: str) -> tuple[int, int, int, bytes]:
    """Decodes an 8-bit non-interlaced PNG (grey, RGB, grey+alpha or RGBA). Returns width, height, channels, pixels."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    pos, idat, width = 8, [], 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or color not in (0, 2, 4, 6):
                raise ValueError(f"unsupported PNG: depth {depth}, colour type {color}, interlace {interlace}")
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        elif ftype != 0:
            raise ValueError(f"bad PNG filter type {ftype} in row {y}")
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return width, height, channels, bytes(out)


def ink_fraction(png: tuple[int, int, int, bytes], x0: int, y0: int, w: int, h: int, step: int = 2) -> tuple[float, int]:
    """Fraction of (sub-sampled) pixels in the rectangle that differ from white by more than 30 (sum over RGB), and
    the number of distinct colours (quantised to 32 levels)."""
    width, height, channels, px = png
    x1, y1 = min(width, x0 + w), min(height, y0 + h)
    x0, y0 = max(0, x0), max(0, y0)
    ink = total = 0
    colours = set()
    for y in range(y0, y1, step):
        row = y * width * channels
        for x in range(x0, x1, step):
            i = row + x * channels
            r, g, b = (px[i], px[i + 1], px[i + 2]) if channels >= 3 else (px[i],) * 3
            total += 1
            if 765 - r - g - b > 30:
                ink += 1
            colours.add((r >> 3, g >> 3, b >> 3))
    return (ink / total if total else 0.0), len(colours)


def find_chromium() -> str:
    found = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    if not found and shutil.which("apt-get"):
        print("chromium not found; installing it with apt-get ...", file=sys.stderr)
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", "chromium"],
                       check=False, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"), stdout=subprocess.DEVNULL)
        found = shutil.which("chromium")
    if not found:
        print("error: chromium is not installed and could not be installed (apt-get install chromium)", file=sys.stderr)
        sys.exit(2)
    return found


def run_chromium(chromium: str, url: str, profile: str, budget: int, extra: list[str], timeout: int) -> subprocess.CompletedProcess:
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
            "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget}", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html", help="HTML file to check")
    ap.add_argument("--screenshot", help="where to write the full-page PNG (default: <html>.render.png)")
    ap.add_argument("--width", type=int, default=1500, help="window width in CSS pixels (default 1500)")
    ap.add_argument("--budget", type=int, default=8000, help="virtual time budget in ms (default 8000)")
    ap.add_argument("--max-height", type=int, default=16000, help="screenshot height cap in pixels (default 16000)")
    ap.add_argument("--min-ink", type=float, default=0.01,
                    help="minimum fraction of non-white pixels inside each chart (default 0.01)")
    ap.add_argument("--timeout", type=int, default=180, help="seconds per chromium run (default 180)")
    opts = ap.parse_args()

    src = os.path.abspath(opts.html)
    if not os.path.isfile(src):
        print(f"error: no such file: {src}", file=sys.stderr)
        return 2
    shot = os.path.abspath(opts.screenshot or os.path.splitext(src)[0] + ".render.png")
    chromium = find_chromium()
    with open(src, encoding="utf-8") as f:
        page = f.read()
    newplot_ids = sorted(set(re.findall(r"Plotly\.newPlot\(\s*['\"]([A-Za-z0-9_\-]+)['\"]", page)))
    probe = PROBE_TEMPLATE % (json.dumps(newplot_ids), CHART_CLASS, PROBE_ID)
    at = page.lower().rfind("</body>")
    probed = page[:at] + probe + page[at:] if at >= 0 else page + probe

    with tempfile.TemporaryDirectory(prefix="fm-render-") as tmp:
        copy = os.path.join(tmp, "page.html")
        with open(copy, "w", encoding="utf-8") as f:
            f.write(probed)
        url = "file://" + copy
        # same window width in both runs, so the probed chart positions match the screenshot's layout
        dom_run = run_chromium(chromium, url, os.path.join(tmp, "profile1"), opts.budget,
                               ["--dump-dom", f"--window-size={opts.width},1200"], opts.timeout)
        dom = dom_run.stdout
        counter = PlotDomCounter(set(newplot_ids))
        counter.feed(dom)
        if not counter.probe_json:
            print(f"error: chromium produced no rendered page (exit {dom_run.returncode}); stderr tail:\n"
                  + "\n".join(dom_run.stderr.strip().splitlines()[-8:]), file=sys.stderr)
            return 2
        probe_data = json.loads(counter.probe_json)
        height = max(200, min(opts.max_height, int(probe_data["height"]) + 20))
        shot_run = run_chromium(chromium, url, os.path.join(tmp, "profile2"), opts.budget,
                                [f"--screenshot={shot}", f"--window-size={opts.width},{height}"], opts.timeout)
        if not os.path.isfile(shot):
            print(f"error: chromium wrote no screenshot (exit {shot_run.returncode})", file=sys.stderr)
            return 2

    png = decode_png(shot)
    rects = probe_data["charts"]
    if not rects and not counter.charts:
        print(f"error: {opts.html} holds no plotly chart", file=sys.stderr)
        return 2
    failures = []
    print(f"{opts.html}: {len(rects)} chart(s); screenshot {png[0]}x{png[1]} -> {shot}")
    for i, r in enumerate(rects):
        dom_info = next((c for c in counter.charts if r["id"] and c["id"] == r["id"]),
                        counter.charts[i] if i < len(counter.charts) else None)
        name = f"chart {i + 1}" + (f" (#{r['id']})" if r["id"] else "")
        problems = []
        if not r["plotted"]:
            problems.append("plotly did not draw it" + (f" (it says: {r['text'].strip()[:120]!r})" if r["text"].strip() else ""))
        if dom_info is None or dom_info["main_svg"] == 0:
            problems.append("no .main-svg in its DOM")
        elif dom_info["data_elements"] == 0:
            problems.append(f"no drawn data ({dom_info['trace_groups']} trace groups, 0 data elements)")
        ink, colours = float("nan"), 0
        if r["y"] + r["h"] <= png[1] and r["w"] > 0 and r["h"] > 0:
            ink, colours = ink_fraction(png, int(r["x"]), int(r["y"]), int(r["w"]), int(r["h"]))
            if ink < opts.min_ink:
                problems.append(f"blank on screen: {ink:.2%} non-white pixels < {opts.min_ink:.2%}")
        detail = (f"{dom_info['main_svg']} main-svg, {dom_info['trace_groups']} trace groups, "
                  f"{dom_info['data_elements']} data elements" if dom_info else "no DOM")
        status = "BLANK" if problems else "ok"
        print(f"  {status:5} {name}: {int(r['w'])}x{int(r['h'])} px at y={int(r['y'])}; {detail}; "
              f"ink {ink:.1%}, {colours} colours")
        if problems:
            failures.append(f"{name}: " + "; ".join(problems))
    if failures:
        print(f"FAILED: {len(failures)} of {len(rects)} chart(s) blank in {opts.html}:", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        return 1
    print(f"OK: all {len(rects)} chart(s) drawn")
    return 0


if __name__ == "__main__":
    sys.exit(main())
