"""Finding fingerprints and the review file: a reviewer's decisions that survive re-runs.

A fingerprint is the same in every run for the same problem in the same report: it hashes the rule, where
the finding is (section, row, column) and the report's identity (organ and year when known, else the file's
content). Page, line and message wording are left out, so re-exporting a report or switching the language
keeps it. The review file (TOML) lists decisions by fingerprint:

```toml
[[finding]]
fingerprint = "3f2a9c0e1b7d4a65"
status = "dismissed"            # or "confirmed"
reason = "表内另有说明，予以认可"
reviewer = "王某"
```

A dismissed finding stays in every output, marked, but no longer counts for the score or the exit code.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from engine.errors import UsageError
from engine.model import Report
from engine.result import FileResult, FindingResult, Review


def fingerprint(report: Report, finding: FindingResult) -> str:
    identity = f"{report.agency}|{report.year}" if report.agency and report.year else report.source.sha256
    loc = finding.location
    # Findings of one rule at one place are told apart by what they are about (their message key).
    parts = [finding.rule, finding.key or "", loc.section or "", loc.row or "", loc.column or "", identity]
    if not (loc.row or loc.column):
        parts.append(str(finding.actual))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def load_review(path: Path) -> dict[str, Review]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        entries = data.get("finding", [])
        return {str(e["fingerprint"]): Review(**{k: v for k, v in e.items() if k != "fingerprint"}) for e in entries}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise UsageError(f"复核文件 {path} 有误 / bad review file {path}: {exc}") from None


def apply_review(results: list[FileResult], decisions: dict[str, Review]) -> None:
    for result in results:
        for finding in result.findings:
            finding.review = decisions.get(finding.fingerprint)
