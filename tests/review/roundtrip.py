#!/usr/bin/env python3
"""The translator's round trip, played with the tools translators use (CI, after `cargo test`).

On a copy of the content, for Vietnamese:
  1. export the FAQ as gettext PO; with translate-toolkit's Python API (as Poedit or Weblate
     write a file) correct one string and approve every string but those of one block
     (`markfuzzy(False)`); import with a reviewer; then approve that block too, import again;
  2. export the guide as XLIFF 1.2; correct one string and approve every unit
     (`markapproved(True)`); import with a reviewer.
After each import: exactly the strings changed in the TOML (each a line of its own) plus the
review records, every comment kept in order; the PDF (poppler's pdftotext) prints the new
text; the draft band is printed until every block the leaflet prints is reviewed, and then
the "reviewed on" line instead.

Usage: roundtrip.py LEAFPRESS_BINARY PROJECT_DIR
Needs translate-toolkit (translate.storage) and pdftotext on PATH.
"""

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata

from translate.storage import factory

TAG = "vi"
REVIEWER = "Nguyễn Văn An"
ON = "2026-12-07"


def nfc(s):
    return unicodedata.normalize("NFC", s)


def flat(s):
    """Text without whitespace (a PDF's lines wrap anywhere)."""
    return "".join(nfc(s).split())


class Project:
    def __init__(self, binary, root, work):
        self.binary, self.root, self.work = binary, root, work
        self.content = os.path.join(work, "content")
        shutil.copytree(os.path.join(root, "content"), self.content)
        self.files = {
            "vi.toml": os.path.join(self.content, "mynumber-health-insurance", "vi.toml"),
            "guide/vi.toml": os.path.join(self.content, "mynumber-health-insurance", "guide", "vi.toml"),
        }

    def lp(self, *args):
        paths = ["--content", self.content, "--templates", os.path.join(self.root, "templates"),
                 "--fonts", os.path.join(self.root, "fonts")]
        r = subprocess.run([self.binary, *args, *paths], cwd=self.work, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"leafpress {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
        return r.stdout

    def texts(self):
        return {k: open(p, encoding="utf-8").read() for k, p in self.files.items()}

    def pdf_text(self, template):
        out = os.path.join(self.work, "out")
        self.lp("build", "--lang", TAG, "--template", template, "--out", out, "--max-fact-age", "999")
        pdf = os.path.join(out, f"mynumber-health-insurance-{template}-{TAG}.pdf")
        r = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
        return flat(r.stdout)

    def labels(self):
        return tomllib.load(open(self.files["vi.toml"], "rb"))["labels"]


def check_diff(before, after, changed, records):
    """`changed` = {file: [(old line, new line)]}, `records` = {file: n}: exactly those lines
    changed, n review records added, and every other line (comments too) kept in order."""
    for name in before:
        b, a = before[name].splitlines(), after[name].splitlines()
        removed = [l for l in difflib.ndiff(b, a) if l.startswith("- ")]
        added = [l for l in difflib.ndiff(b, a) if l.startswith("+ ")]
        want_removed = sorted("- " + old for old, _ in changed.get(name, []))
        want_added = sorted("+ " + new for _, new in changed.get(name, []))
        got_records = [l for l in added if l.startswith("+ reviewed = { by = \"" + REVIEWER + "\", on = \"" + ON + "\"")]
        got_added = sorted(l for l in added if l not in got_records)
        assert sorted(removed) == want_removed, f"{name}: removed {removed}, expected {want_removed}"
        assert got_added == want_added, f"{name}: added {got_added}, expected {want_added}"
        assert len(got_records) == records.get(name, 0), f"{name}: {len(got_records)} records, expected {records.get(name, 0)}"
        comments_b = [l for l in b if l.lstrip().startswith("#")]
        comments_a = [l for l in a if l.lstrip().startswith("#")]
        assert comments_a == comments_b, f"{name}: comments changed"
    return sum(len(v) for v in changed.values()), sum(records.values())


def draft_band(p, text, expect_draft):
    labels = p.labels()
    draft = flat(labels["draft"])
    reviewed = flat(labels["reviewed-on"].split("{date}")[0])
    date = flat(labels["date"].replace("{day}", "7").replace("{month}", labels["months"][11]).replace("{year}", "2026"))
    if expect_draft:
        assert draft in text, "the draft band is missing"
        assert reviewed not in text, "a draft says it was reviewed"
    else:
        assert draft not in text, "the draft band is still printed"
        assert reviewed + date in text, "the reviewed line is missing"


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    results = []
    with tempfile.TemporaryDirectory() as work:
        p = Project(binary, root, work)
        before = p.texts()
        text = p.pdf_text("faq")
        draft_band(p, text, expect_draft=True)

        # 1a. PO: one string corrected, every string approved but those of [faq-footer].
        po_path = os.path.join(work, "vi-faq.po")
        p.lp("review", "export", "--lang", TAG, "--template", "faq", "--format", "po", "--out", po_path)
        store = factory.getobject(po_path)
        units = [u for u in store.units if not u.isheader()]
        assert all(u.isfuzzy() for u in units), "a draft is not fuzzy"
        held = 0
        for u in units:
            if u.getcontext() == "faq-question.answer-label":
                assert u.target == "Đáp"
                u.target = "Trả lời"
            if u.getcontext().startswith("faq-footer."):
                held += 1
                continue
            u.markfuzzy(False)
        store.save()
        t0 = time.monotonic()
        said = p.lp("review", "import", po_path, "--reviewer", REVIEWER, "--on", ON)
        took = time.monotonic() - t0
        after = p.texts()
        n = check_diff(before, after, {"vi.toml": [('answer-label = "Đáp"', 'answer-label = "Trả lời"')]}, {"vi.toml": 17})
        text = p.pdf_text("faq")
        assert flat("Trả lời") in text, "the PDF does not print the corrected string"
        draft_band(p, text, expect_draft=True)
        results.append(f"PO, FAQ: {len(units)} units exported, {len(units) - held} approved, {n[0]} string changed, {n[1]} blocks recorded, import {took:.2f} s; the PDF prints the correction and still the draft band ([faq-footer] unreviewed)")
        assert "vi: faq partly reviewed, guide partly reviewed" in said, said

        # 1b. The last block approved: the band goes.
        before = after
        p.lp("review", "export", "--lang", TAG, "--template", "faq", "--format", "po", "--out", po_path)
        store = factory.getobject(po_path)
        units = [u for u in store.units if not u.isheader()]
        fuzzy = [u.getcontext() for u in units if u.isfuzzy()]
        assert fuzzy and all(c.startswith("faq-footer.") for c in fuzzy), fuzzy
        for u in units:
            u.markfuzzy(False)
        store.save()
        said = p.lp("review", "import", po_path, "--reviewer", REVIEWER, "--on", ON)
        after = p.texts()
        n = check_diff(before, after, {}, {"vi.toml": 1})
        text = p.pdf_text("faq")
        draft_band(p, text, expect_draft=False)
        assert "vi: faq reviewed, guide partly reviewed" in said, said
        results.append(f"PO, FAQ again: {len(fuzzy)} units still fuzzy approved, {n[1]} block recorded; the draft band is gone, the PDF says when it was reviewed")

        # 2. XLIFF: the guide, one string corrected, every unit approved.
        before = after
        xlf_path = os.path.join(work, "vi-guide.xlf")
        p.lp("review", "export", "--lang", TAG, "--template", "guide", "--format", "xliff", "--out", xlf_path)
        store = factory.getobject(xlf_path)
        units = [u for u in store.units if not u.isheader()]
        new = "Từ khi xin cấp thẻ đến quầy tiếp nhận của cơ sở y tế hoặc nhà thuốc: từng bước một"
        old = None
        for u in units:
            if u.getid().endswith("guide-header.subtitle"):
                old = str(u.target)
                u.target = new
            u.markapproved(True)
        assert old is not None
        store.save()
        t0 = time.monotonic()
        said = p.lp("review", "import", xlf_path, "--reviewer", REVIEWER, "--on", ON)
        took = time.monotonic() - t0
        after = p.texts()
        n = check_diff(before, after, {"guide/vi.toml": [(f'subtitle = "{old}"', f'subtitle = "{new}"')]}, {"guide/vi.toml": 11})
        text = p.pdf_text("guide")
        assert flat(new) in text, "the guide does not print the corrected string"
        draft_band(p, text, expect_draft=False)
        assert "vi: faq reviewed, guide reviewed" in said, said
        results.append(f"XLIFF, guide: {len(units)} units exported and approved, {n[0]} string changed, {n[1]} blocks recorded (the shared blocks kept their records), import {took:.2f} s; the guide prints the correction, without the draft band")

        status = p.lp("status")
        assert status.count("vi ") == 2 and "reviewed\n" in status
    for r in results:
        print(r)
    print("round trip: ok")


if __name__ == "__main__":
    main()
