"""The public schemes' example defects, each as one organ's report for 2023 beside its clean report for 2022 (the
history an office gives with `--history`): late, republished from last year, copied from another organ (雷同), a
failed table identity, section 五 missing, and no publication date. docs/profiles.md grades each by the schemes'
arithmetic and by the profiles; tests/test_scoring_schemes.py holds the profiles to it.

    python -m nianbao.engine.testing.defects late /tmp/late  # writes /tmp/late/2023.json, /tmp/late/history/2022.json
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from nianbao.engine.model import Report, SectionKey
from nianbao.engine.testing.samples import SampleSpec, make_report, make_series

AGENCY = "青禾市农业农村局"  # a department: its deadline is 01-31 of the year after
OTHER = "青禾市林业局"
ON_TIME = dt.date(2024, 1, 25)
DEFECTS = ("clean", "late", "republished", "copied-from-another", "identity", "no-five", "no-date")


def _write(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json_dict(), ensure_ascii=False, default=str), encoding="utf-8")


def defect(name: str, folder: Path) -> Path:
    """`folder/2023.json` (the report with the defect) and `folder/history/` (last year's, and for 雷同 the other
    organ's); the 2023 report's path."""
    before, now = make_series(AGENCY, [2022, 2023], 7)
    before.published, now.published = dt.date(2023, 1, 20), ON_TIME
    history = [before]
    if name == "late":
        now.published = dt.date(2024, 3, 14)  # 43 days after 01-31
    elif name == "republished":
        now = before.model_copy(deep=True)  # last year's report, its year changed
        now.year = now.title_year = 2023
        now.title = now.title.replace("2022", "2023")
        now.published = ON_TIME
    elif name == "copied-from-another":
        other = make_report(SampleSpec(OTHER, 2023, seed=41))
        other.published = ON_TIME
        mine, theirs = now.section(SectionKey.problems), other.section(SectionKey.problems)
        assert mine is not None and theirs is not None
        mine.text = theirs.text.replace(OTHER, AGENCY)  # section 五 taken from another organ's report
        history.append(other)
    elif name == "identity":
        now.applications["total"]["natural_person"] += 5  # 三's total no longer the sum of its results
    elif name == "no-five":
        now.sections = [s for s in now.sections if s.key is not SectionKey.problems]
    elif name == "no-date":
        now.published = None
    elif name != "clean":
        raise ValueError(f"unknown defect {name!r} (one of: {', '.join(DEFECTS)})")
    for number, report in enumerate(history):
        _write(report, folder / "history" / f"{report.year}-{number}.json")
    _write(now, folder / "2023.json")
    return folder / "2023.json"


if __name__ == "__main__":
    print(defect(sys.argv[1], Path(sys.argv[2])))
