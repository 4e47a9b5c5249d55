"""The review file: a reviewer's decisions that survive re-runs, by finding fingerprint
(`nianbao.engine.result.fingerprint`).

The review file (TOML) lists decisions by fingerprint:

```toml
[[finding]]
fingerprint = "3f2a9c0e1b7d4a65"
status = "dismissed"            # or "confirmed"
reason = "表内另有说明，予以认可"
reviewer = "王某"
```

A dismissed finding stays in every output, marked, but no longer counts for the score or the exit code. A finding
pending a check of the original (it rests on what OCR or a guessed row placement may have got wrong,
nianbao.engine.checking.uncertain) counts once a reviewer confirms it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from nianbao.engine.errors import UsageError
from nianbao.engine.limits import read_settings
from nianbao.engine.result import FileResult, Review


def load_review(path: Path) -> dict[str, Review]:
    try:
        data = tomllib.loads(read_settings(path))
        entries = data.get("finding", [])
        return {str(e["fingerprint"]): Review(**{k: v for k, v in e.items() if k != "fingerprint"}) for e in entries}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise UsageError(f"复核文件 {path} 有误 / bad review file {path}: {exc}") from None


def apply_review(results: list[FileResult], decisions: dict[str, Review]) -> None:
    for result in results:
        for finding in result.findings:
            finding.review = decisions.get(finding.fingerprint)
