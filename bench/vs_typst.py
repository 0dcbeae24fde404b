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
    # Each project: the PDF as leafpress writes it (PDF/A-2a and PDF/UA-1), and with
    # "previews" also every page as a PNG at 72 dpi (leafpress's previews), from the same
    # compiler, so that typst's memo serves the second export from the first's layout.
    compile_one = (
        "import sys, typst\n"
        "previews = sys.argv[2] == 'previews'\n"
        "for d in sys.argv[3:]:\n"
        "    c = typst.Compiler(d + '/main.typ', root=d, font_paths=[sys.argv[1]],"
        " ignore_system_fonts=True)\n"
        "    c.compile(output=d + '/stock.pdf', pdf_standards=['a-2a', 'ua-1'])\n"
        "    pngs = c.compile(format='png', ppi=72) if previews else []\n"
        "    for n, png in enumerate([pngs] if isinstance(pngs, bytes) else pngs):\n"
        "        open(f'{d}/stock-{n + 1}.png', 'wb').write(png)\n"
    )
    def stock(what, *dirs):
        return [py, "-c", compile_one, fonts, what, *map(str, dirs)]
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
                args.runs, lambda: [run([args.leafpress, "build", "--previews", "--out", fresh()])]),
        measure(f"stock typst, PDFs + previews, one process per leaflet ({n})", args.runs,
                lambda: [run(stock("previews", p)) for p in projects]),
        measure(f"stock typst, PDFs + previews, all {n} in one process", args.runs,
                lambda: [run(stock("previews", *projects))]),
        measure("leafpress build --lang ja --template faq, cold, empty folder", args.runs,
                lambda: [run([args.leafpress, "build", "--previews", "--out", fresh(), "--lang", "ja",
                              "--template", "faq"])]),
        measure("stock typst, PDF + previews, faq-ja alone (incl. interpreter start)",
                args.runs, lambda: [run(stock("previews", one))]),
        measure(f"stock typst, PDFs only, one process per leaflet ({n})", args.runs,
                lambda: [run(stock("pdf", p)) for p in projects]),
        measure(f"stock typst, PDFs only, all {n} in one process", args.runs,
                lambda: [run(stock("pdf", *projects))]),
        measure("stock typst, PDF only, faq-ja alone (incl. interpreter start)", args.runs,
                lambda: [run(stock("pdf", one))]),
        measure("python interpreter start + import typst (no compile)", args.runs,
                lambda: [run([py, "-c", "import typst"])]),
        measure(f"leafpress build --rebuild, all {n}, over its own output", args.runs,
                lambda: [run([args.leafpress, "build", "--previews", "--out", out, "--rebuild"])]),
        measure(f"leafpress build, all {n}, up to date (every leaflet kept)", args.runs,
                lambda: [run([args.leafpress, "build", "--previews", "--out", out])]),
        measure(f"leafpress build, all {n}, 2 to lay out again (ja's PDFs removed)",
                args.runs, without_ja([args.leafpress, "build", "--previews", "--out", out])),
        measure("leafpress build --lang ja --template faq, up to date", args.runs,
                lambda: [run([args.leafpress, "build", "--previews", "--out", out, "--lang", "ja",
                              "--template", "faq"])]),
    ]
    print(f"{args.runs} runs each, {os.cpu_count()} cores; leafpress (--previews) writes PDFs "
          "(PDF/A-2a, PDF/UA-1), 72-dpi page previews, thumbnails, manifest and index; stock "
          "typst the same PDFs, "
          "and the previews where it says so\n")
    print(f"{'what':<68} {'median':>8} {'spread':>17} {'peak RSS':>9}")
    for r in rows:
        spread = f"{r['min']:.3f}–{r['max']:.3f} s"
        print(f"{r['name']:<68} {r['median']:7.3f}s {spread:>17} {r['rss']:6.0f} MB")
    lp, per, inone, lp1, st1, per_pdf, inone_pdf, st1_pdf = (r["median"] for r in rows[:8])
    kept, kept1 = rows[10]["median"], rows[12]["median"]
    print()
    print("leafpress (cold) vs stock typst     same files (PDF + previews)   PDFs only")
    print(f"  one process per leaflet            {per / lp:5.2f}x faster"
          f"                 {per_pdf / lp:5.2f}x faster")
    print(f"  all in one process                 {inone / lp:5.2f}x faster"
          f"                 {inone_pdf / lp:5.2f}x faster")
    print(f"  one leaflet (faq-ja)               {st1 / lp1:5.2f}x faster"
          f"                 {st1_pdf / lp1:5.2f}x faster")
    print("(stock typst has no memory of a last build; with every leaflet up to date, same")
    print(f" files: {per / kept:.0f}x / {inone / kept:.0f}x / {st1 / kept1:.0f}x)")


if __name__ == "__main__":
    main()
