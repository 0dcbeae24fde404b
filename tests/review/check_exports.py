#!/usr/bin/env python3
"""Reads leafpress's review exports with tools translators use (CI, after `cargo test`).

For every translated language: exports the whole language as gettext PO and XLIFF 1.2,
then
  * GNU gettext `msgfmt -c` checks each PO file (syntax, header, python-brace-format);
  * translate-toolkit's `pofilter` runs its placeholder and escaping tests on the PO and the
    XLIFF file; the only failures allowed are what leafpress allows (`allowed` below): a
    Japanese official term ({ja:...}) left out or added, {day-ja} for {day};
  * translate-toolkit's PO and XLIFF readers read both files: the same units, ids, sources,
    targets and states in both, and as leafpress said it wrote them.

Usage: check_exports.py LEAFPRESS_BINARY PROJECT_DIR
Needs translate-toolkit (pofilter, translate.storage) and msgfmt on PATH.
"""

import os
import re
import subprocess
import sys
import tempfile

from translate.storage import factory

# The pofilter tests about what leafpress guarantees: placeholders, escapes, markup.
GATE = ["pythonbraceformat", "variables", "escapes", "newlines", "tabs", "xmltags"]
TOKEN = re.compile(r"\{[A-Za-z0-9:-]+\}")


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def languages(binary, project):
    """The translated languages, as `leafpress list` names them (all but the source)."""
    out = run(binary, "list", cwd=project).stdout
    rows = [l for l in out.splitlines() if l.startswith("    ")]
    return [l.split()[0] for l in rows if not l.rstrip().endswith("source")]


def pofilter_failures(path, outdir):
    """The failures pofilter's gate tests report, as (unit id, test, message)."""
    out = os.path.join(outdir, "pofilter-" + os.path.basename(path))
    args = ["pofilter", "--progress=none"]
    for t in GATE:
        args += ["-t", t]
    run(*args, path, out)
    if not os.path.exists(out):
        return []
    failures = []
    for unit in factory.getobject(out).units:
        if unit.isheader():
            continue
        try:
            notes = unit.getnotes("pofilter")  # XLIFF: <note from="pofilter">
            prefix = ""
        except ValueError:
            notes = unit.getnotes()  # PO: translator comments "(pofilter) test: ..."
            prefix = r"\(pofilter\) "
        for line in (notes or "").splitlines():
            m = re.match(prefix + r"(\w+): (.*)$", line.strip())
            if m and m.group(1) in GATE:
                failures.append((unit_id(unit), m.group(1), m.group(2)))
    return failures


def allowed(failure):
    """What leafpress allows a translation and pofilter's brace check does not: a {ja:...}
    term left out (the language writes the term itself) or added (an easy-Japanese rewrite
    names the card it means), and {day-ja} in place of {day} (the day with its reading, in
    a language printed with furigana). Nothing else."""
    _, test, message = failure
    if test != "pythonbraceformat":
        return False
    m = re.fullmatch(
        r"(?:Unknown named placeholders in translation: (.*?))?(?:, )?"
        r"(?:Named placeholders absent in translation: (.*))?",
        message,
    )
    if m is None or not (m.group(1) or m.group(2)):
        return False
    names = lambda g: [t.strip() for t in g.split(",")] if g else []  # noqa: E731
    unknown, absent = names(m.group(1)), names(m.group(2))
    day = "{day-ja}" in unknown
    return all(t.startswith("{ja:") or t == "{day-ja}" for t in unknown) and all(
        t.startswith("{ja:") or (day and t == "{day}") for t in absent
    )


def unit_id(unit):
    # translate-toolkit prefixes an XLIFF unit's id with its file's `original` and \x04.
    return (unit.getcontext() or unit.getid()).split("\x04")[-1]


def main():
    binary, project = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tags = languages(binary, project)
    assert len(tags) >= 2, f"no translated languages found: {tags}"
    problems = []
    totals = {"units": 0, "allowed": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for tag in tags:
            po_path = os.path.join(tmp, f"{tag}.po")
            xlf_path = os.path.join(tmp, f"{tag}.xlf")
            said = run(binary, "review", "export", "--lang", tag, "--format", "po", "--out", po_path, cwd=project).stdout
            run(binary, "review", "export", "--lang", tag, "--format", "xliff", "--out", xlf_path, cwd=project)
            count = int(re.search(r"\((\d+) strings in", said).group(1))

            msgfmt = subprocess.run(["msgfmt", "-c", "-o", os.devnull, po_path], capture_output=True, text=True)
            if msgfmt.returncode != 0:
                problems.append(f"{tag}: msgfmt -c: {msgfmt.stderr.strip()}")

            for path in (po_path, xlf_path):
                for f in pofilter_failures(path, tmp):
                    if allowed(f):
                        totals["allowed"] += 1
                    else:
                        problems.append(f"{tag}: pofilter on {os.path.basename(path)}: {f}")

            po = [u for u in factory.getobject(po_path).units if not u.isheader()]
            xlf = [u for u in factory.getobject(xlf_path).units if not u.isheader()]
            if len(po) != count or len(xlf) != count:
                problems.append(f"{tag}: {count} strings exported, read {len(po)} (PO) and {len(xlf)} (XLIFF)")
            by_id = {unit_id(u): u for u in xlf}
            for u in po:
                uid = unit_id(u)
                x = by_id.get(uid)
                if x is None:
                    problems.append(f"{tag}: {uid} is in the PO file, not in the XLIFF file")
                    continue
                if str(x.source) != u.source:
                    problems.append(f"{tag}: {uid}: XLIFF source {str(x.source)!r} != PO msgid {u.source!r}")
                if (str(x.target) if x.target else "") != (u.target or ""):
                    problems.append(f"{tag}: {uid}: XLIFF target {str(x.target)!r} != PO msgstr {u.target!r}")
                # Nothing shipped is reviewed: every translation is a draft in both formats.
                if u.target and not u.isfuzzy():
                    problems.append(f"{tag}: {uid}: a draft that is not fuzzy in PO")
                if x.isapproved():
                    problems.append(f"{tag}: {uid}: a draft approved in XLIFF")
                if TOKEN.search(u.source) and not u.hastypecomment("python-brace-format"):
                    problems.append(f"{tag}: {uid}: placeholders without python-brace-format")
            totals["units"] += count
            print(f"{tag}: {count} strings; msgfmt -c, pofilter ({', '.join(GATE)}) and the PO/XLIFF readers agree")
    for p in problems:
        print("error:", p)
    print(
        f"{len(tags)} languages, {totals['units']} strings in each of PO and XLIFF; "
        f"{totals['allowed']} allowed pofilter note(s) (what leafpress allows: {{ja:...}} terms left out or added, {{day-ja}} for {{day}}); "
        f"{len(problems)} problem(s)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
