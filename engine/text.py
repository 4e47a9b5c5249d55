"""Text normalisation every stage shares: the forms prose and labels are matched in (public, for plugin rules)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Words written into a count cell for "none": readers keep them as printed, rules read them as 0.
NIL_WORDS = frozenset({"无", "没有", "空", "暂无"})

_SPACE = re.compile(r"\s+")
# Punctuation that varies between reports (full/half width, Word quotes) and carries no meaning
# for telling labels and headings apart.
_LABEL_NOISE = re.compile(r"[\s()（）【】\[\]、,，.．。:：;；“”\"'‘’《》<>〈〉·•\-—_|*#]+")


# Control characters (C0 but tab and newline, DEL, C1): a file or organ name holding them could move the cursor,
# recolour or retitle the clerk's terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences included) removed."""
    return _CONTROL.sub("", text)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """NFKC with all whitespace removed: the form prose is matched in."""
    return _SPACE.sub("", nfkc(text))


def squeeze(text: str) -> str:
    """Whitespace removed, characters kept as printed (labels quoted back to users)."""
    return _SPACE.sub("", text)


@lru_cache(maxsize=4096)
def label_key(text: str) -> str:
    """The form labels and headings are compared in: compact, without punctuation."""
    return _LABEL_NOISE.sub("", nfkc(text))
