"""Times leafpress and stock typst on the same leaflets; see bench/vs-typst."""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(cmd):
    """Runs a command; returns (seconds, peak RSS in MB) of that process."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{err}")
    return seconds, usage.ru_maxrss / 1024


def measure(name, runs, once):
    """Runs `once` (→ list of (seconds, MB) for the processes of one run) `runs` times."""
    totals, peaks = [], []
    for _ in range(runs):
        results = once()
        totals.append(sum(s for s, _ in results))
        peaks.append(max(m for _, m in results))
    return {
        "name": name,
        "median": statistics.median(totals),
        "min": min(totals),
        "max": max(totals),
        "rss": max(peaks),
    }


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--leafpress", required=True)
    a.add_argument("--projects", required=True, type=Path)
    a.add_argument("--fonts", required=True)
    a.add_argument("--runs", type=int, default=5)
    a.add_argument("--work", required=True, type=Path)
    args = a.parse_args()
    projects = sorted(p for p in args.projects.iterdir() if (p / "main.typ").is_file())
    fonts = str(Path(args.fonts).resolve())
    py = sys.executable
    one = next(p for p in projects if p.name.endswith("-faq-ja"))
    compile_one = (
        "import sys, typst\n"
        "for d in sys.argv[2:]:\n"
        "    typst.compile(d + '/main.typ', output=d + '/stock.pdf', root=d,"
        " font_paths=[sys.argv[1]], ignore_system_fonts=True)\n"
    )
    out = args.work / "out"
    fresh = lambda: tempfile.mkdtemp(dir=args.work)  # noqa: E731
    def without_ja(cmd):
        """`cmd` after removing the Japanese PDFs: two of the leaflets to lay out again."""
        def once():
            for pdf in out.glob("*-ja.pdf"):
                pdf.unlink()
            return [run(cmd)]
        return once

    n = len(projects)
    rows = [
        measure(f"leafpress build, all {n} leaflets, cold, empty output folder",
                args.runs, lambda: [run([args.leafpress, "build", "--out", fresh()])]),
        measure(f"stock typst, one process per leaflet ({n} processes)", args.runs,
                lambda: [run([py, "-c", compile_one, fonts, str(p)]) for p in projects]),
        measure(f"stock typst, all {n} in one process", args.runs,
                lambda: [run([py, "-c", compile_one, fonts, *map(str, projects)])]),
        measure("leafpress build --lang ja --template faq, cold, empty folder", args.runs,
                lambda: [run([args.leafpress, "build", "--out", fresh(), "--lang", "ja",
                              "--template", "faq"])]),
        measure("stock typst, faq-ja alone (incl. interpreter start)", args.runs,
                lambda: [run([py, "-c", compile_one, fonts, str(one)])]),
        measure("python interpreter start + import typst (no compile)", args.runs,
                lambda: [run([py, "-c", "import typst"])]),
        measure(f"leafpress build --rebuild, all {n}, over its own output", args.runs,
                lambda: [run([args.leafpress, "build", "--out", out, "--rebuild"])]),
        measure(f"leafpress build, all {n}, up to date (every leaflet kept)", args.runs,
                lambda: [run([args.leafpress, "build", "--out", out])]),
        measure(f"leafpress build, all {n}, 2 to lay out again (ja's PDFs removed)",
                args.runs, without_ja([args.leafpress, "build", "--out", out])),
        measure("leafpress build --lang ja --template faq, up to date", args.runs,
                lambda: [run([args.leafpress, "build", "--out", out, "--lang", "ja",
                              "--template", "faq"])]),
    ]
    print(f"{args.runs} runs each, {os.cpu_count()} cores; leafpress writes PDFs, previews, "
          "manifest and index; stock typst writes the PDFs only\n")
    print(f"{'what':<62} {'median':>8} {'spread':>17} {'peak RSS':>9}")
    for r in rows:
        spread = f"{r['min']:.3f}–{r['max']:.3f} s"
        print(f"{r['name']:<62} {r['median']:7.3f}s {spread:>17} {r['rss']:6.0f} MB")
    lp, per, inone, lp1, st1 = (r["median"] for r in rows[:5])
    print()
    print(f"leafpress vs stock typst one process per leaflet: {per / lp:.2f}x faster")
    print(f"leafpress vs stock typst all in one process:      {inone / lp:.2f}x faster")
    print(f"one leaflet (faq-ja), leafpress vs stock typst:   {st1 / lp1:.2f}x faster")
    print("(cold leafpress against stock typst, which has no memory of a last build; with every")
    print(f" leaflet up to date: {per / rows[7]['median']:.0f}x / {inone / rows[7]['median']:.0f}x"
          f" / {st1 / rows[9]['median']:.0f}x)")


if __name__ == "__main__":
    main()
