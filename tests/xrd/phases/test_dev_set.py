"""Issue targets on the real dev set (slow): single phases ranked first, mixtures found, few false phases.

Ground truth is the MANIFEST (manifest.json). Formulas are compared as normalised element
ratios; hydrogen is ignored when one side lacks it (many CIFs carry no H atoms). A weighed
phase counts only when the dev CIF collection has a reference for it (Nb2O5, Ga2O3, Li3PO4,
La(OH)3 and NaAlO2·1.5H2O have none).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import instrumentarium
from instrumentarium.xrd.phases import ReferenceDB, identify


def _composition(formula: str) -> dict[str, float]:
    formula = formula.split("-alpha")[0].split("-beta")[0]
    water = 0.0
    if "-" in formula and "H2O" in formula:
        formula, h = formula.split("-", 1)
        water = float(h.replace("H2O", "") or 1)

    def parse(s: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for m in re.finditer(r"\(([^)]*)\)(\d*\.?\d*)|([A-Z][a-z]?)(\d*\.?\d*)", s):
            if m.group(1) is not None:
                for k, v in parse(m.group(1)).items():
                    out[k] = out.get(k, 0) + v * float(m.group(2) or 1)
            else:
                out[m.group(3)] = out.get(m.group(3), 0) + float(m.group(4) or 1)
        return out

    d = parse(formula)
    if water:
        d["H"] = d.get("H", 0) + 2 * water
        d["O"] = d.get("O", 0) + water
    return d


def _same(a: str, b: str) -> bool:
    ca, cb = _composition(a), _composition(b)
    if ("H" in ca) != ("H" in cb):
        ca.pop("H", None)
        cb.pop("H", None)
    if set(ca) != set(cb):
        return False
    sa, sb = sum(ca.values()), sum(cb.values())
    return all(abs(ca[k] / sa - cb[k] / sb) < 0.02 for k in ca)


def _truth(row: dict) -> dict[str, float] | None:
    text = row["phases"]
    if "precursor powders:" in text:
        items = text.split(":", 1)[1].split(" (numbers")[0]
        return {k.strip(): float(v) for k, v in (x.strip().rsplit(" ", 1) for x in items.split(";") if x.strip())}
    if "equal-weight mixture of precursors:" in text:
        items = text.split(":", 1)[1].split("(~")[0].split("+")
        return {k.strip(): 1 / len(items) for k in items}
    if "szymanski" in row["file"]:
        items = text.split("(")[0].split("+")
        return {k.strip(): 1 / len(items) for k in items}
    return None


def test_mixtures_found_with_few_false_phases(shared_data: Path, dev_refdb: Path) -> None:
    rows = json.loads((shared_data / "xrd/manifest.json").read_text())["patterns"]
    # The Dara powders were scanned twice; the longer scan of each is used.
    rows = [r for r in rows if ("szymanski" in r["file"] or "dara_precursor" in r["file"])
            and not re.search(r"(\.2-min|--2min)\.xrdml$", r["file"])]
    with ReferenceDB(dev_refdb) as db:
        formulas = [f for (f,) in db._con.execute("SELECT DISTINCT formula FROM entries")]
        n = complete = false = 0
        misses = []
        for row in rows:
            truth = _truth(row)
            if not truth or len(truth) < 2:
                continue
            known = [f for f, w in truth.items() if w >= 0.05 and any(_same(f, g) for g in formulas)]
            elements = sorted({e for f in truth for e in _composition(f)})
            result = identify(instrumentarium.read(shared_data / "xrd" / row["file"]), elements=elements, db=db)
            got = [p.formula for p in result.phases]
            found = [f for f in known if any(_same(f, g) for g in got)]
            false += sum(1 for g in got if not any(_same(f, g) for f in truth))
            n += 1
            complete += len(found) == len(known)
            if len(found) != len(known):
                misses.append((Path(row["file"]).name, sorted(set(known) - set(found))))
    print(f"{complete}/{n} mixtures complete, {false / n:.2f} false phases per pattern; misses {misses}")
    # Measured (dev CIFs as the database): 39/41 mixtures complete (95 %), 0.37 false phases
    # per pattern. The issue asks for 85 % and at most 1. The misses: Fe3O4 beside Cr2O3 and
    # Fe2O3-like lines, Li2TiO3 (only a P1 Materials Project cell in the dev CIFs).
    assert n >= 40
    assert complete / n >= 0.85, misses
    assert false / n <= 1.0


def test_single_phase_patterns_rank_the_right_phase_first(shared_data: Path, dev_refdb: Path) -> None:
    cases = {
        "powdr_minerals_library/QUA.1_Quartz.xy": "quartz", "powdr_minerals_library/DOL.1_Dolomite.xy": "dolomite",
        "powdr_minerals_library/GOE.1_Goethite.xy": "goethite", "powdr_minerals_library/KAO_Kaolinite.xy": "kaolinite",
        "powdr_minerals_library/SAN_K-feldspar.xy": "orthoclase|sanidine|microcline",
        "powdr_minerals_library/ALB_Plagioclase.xy": "albite|anorthite",
        "szymanski_autoxrd/TiO2.xy": "anatase", "szymanski_autoxrd/MnO.xy": "manganosite",
        "szymanski_autoxrd/LiF.xy": "griceite", "szymanski_autoxrd/MnO2.xy": "pyrolusite",
        "szymanski_autoxrd/Mn2O3.xy": "mn2o3", "szymanski_autoxrd/LiMn2O4.xy": "limn2o4",
        "iucr_cpd_qpa_round_robin/zircon.prn": "zircon", "iucr_cpd_qpa_round_robin/brucite.prn": "brucite",
    }
    with ReferenceDB(dev_refdb) as db:
        wrong = []
        for rel, expected in cases.items():
            result = identify(instrumentarium.read(shared_data / "xrd/measured/xy" / rel), db=db)
            first = result.phases[0]
            label = f"{first.name} {Path(db.entry(first.reference_id).path).stem}".lower()
            if not re.search(expected, label):
                wrong.append((rel, first.name))
    assert not wrong
