"""Whether words read on from a label into a template row's printed label: a label wrapped over lines whose rest
stands apart from its first words (below its figures in text as `pdftotext -layout` leaves it; at the next page's top
where LibreOffice broke a row mid-word)."""

from __future__ import annotations

from nianbao.engine.readers.pipeline.placement import APPLICATION_SIGNATURES, PROACTIVE_SIGNATURES
from nianbao.engine.template import row_label
from nianbao.engine.text import label_key

_PRINTED = tuple(
    label_key(row_label(table, key))
    for table, signatures in (("applications", APPLICATION_SIGNATURES), ("proactive", PROACTIVE_SIGNATURES))
    for key, _ in signatures
)


def reads_on(run: str, piece: str) -> bool:
    """Whether a label's words (`run`) and the words after them (`piece`) are one run of a template row's label,
    longer than `run` alone."""
    joined = label_key(run + piece)
    return len(joined) > len(label_key(run)) and any(joined in printed for printed in _PRINTED)
