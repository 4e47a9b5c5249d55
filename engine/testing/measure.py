"""What the reading benchmarks and tests compare a reading by: each figure of the three tables under its key."""

from __future__ import annotations

from nianbao.engine.model import Report


def figures(report: Report) -> dict[str, object]:
    """Each figure of the three tables under "<table>:<row>:<column>", rows the template lacks (extra.) left out."""
    return {
        f"{table}:{row}:{column}": value
        for table in ("proactive", "applications", "review_litigation")
        for row, cells in report.table(table).items()
        for column, value in cells.items()
        if isinstance(value, int | float) and not row.startswith("extra.")
    }
