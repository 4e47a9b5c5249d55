"""Near-identical texts among many, in near-linear time: one-permutation MinHash signatures and banded LSH.

Each text's five-character pieces (shingles) are hashed once; the hash picks one of `BINS` bins and the smallest
value per bin is kept (one-permutation hashing, Li, Owen & Zhang 2012; empty bins borrow from the next bin, as in
Shrivastava & Li's densification). Two texts with Jaccard similarity J agree on each bin with probability about J.
The signature is cut into `BANDS` bands of `ROWS` bins; texts that agree on a whole band are candidates. With 16
bands of 4 a pair at J = 0.8 becomes a candidate with probability 0.9998, a pair at J = 0.3 with 0.12.

Candidates whose signatures agree on under half their bins are dropped (a pair at J = 0.8 agrees on fewer than
half with probability under 10⁻⁸); the others are compared exactly, by their shingles' hashes. A band shared by
many texts (boilerplate that hundreds of town reports share) yields each member linked to the next, not every
pair: the copies form one group, and each member is reported once with how many share its text. The work grows
with the number of texts, not with its square.

No library does this better here: `datasketch` needs numpy and scipy and hashes every shingle once per permutation;
this needs one hash per shingle and the standard library.
"""

from __future__ import annotations

import itertools
import operator
import re
import struct
from array import array
from collections import defaultdict
from collections.abc import Iterator

SHINGLE = 5  # characters per piece: long enough to be specific to a text, short enough to survive small edits
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def chinese(text: str, agency: str | None = None) -> str:
    """The Chinese characters of a text, the organ's own name taken out (two organs' copies of one text still
    match)."""
    if agency:
        text = text.replace(agency, "")
    return _NOT_CJK.sub("", text)


def shingles(chars: str) -> frozenset[str]:
    """The five-character pieces of a run of Chinese characters."""
    return frozenset(chars[i : i + SHINGLE] for i in range(len(chars) - SHINGLE + 1))


BINS = 64
ROWS = 4
BANDS = BINS // ROWS
_MASK = (1 << 61) - 1


def hashed(shingles: frozenset[str]) -> array[int]:
    """A set of shingles as their hashes, eight bytes each (a tenth of the set's size): what a text is compared
    by exactly, and what its signature is made from. `hash` is stable within the process, which is all a run
    needs; two of a text's shingles sharing a 64-bit hash is too rare to count."""
    return array("q", map(hash, shingles))


def jaccard(a: array[int], b: array[int]) -> float:
    common = len(set(a).intersection(b))
    return common / (len(a) + len(b) - common) if a or b else 0.0


def signature(shingles: frozenset[str] | array[int]) -> bytes:
    """The one-permutation MinHash of a set of shingles (or of their hashes): `BINS` values (empty bins
    densified), each packed in eight bytes (a province's signatures are held at once: 0.5 KB each rather than
    3 KB as Python integers)."""
    mins = [_MASK] * BINS
    filled = [False] * BINS
    for h in shingles if isinstance(shingles, array) else map(hash, shingles):
        h &= _MASK
        b = h % BINS
        v = h // BINS
        if v < mins[b]:
            mins[b] = v
            filled[b] = True
    out = list(mins)
    if any(filled):
        for b in range(BINS):
            if not filled[b]:
                step = 1
                while not filled[(b + step) % BINS]:
                    step += 1
                out[b] = mins[(b + step) % BINS] | step << 58  # borrowed, and marked by its distance
    return _PACK.pack(*out)


_PACK = struct.Struct(f"<{BINS}Q")


def agreement(a: bytes, b: bytes) -> float:
    """The share of bins two signatures agree on: an estimate of the two texts' Jaccard similarity."""
    return sum(map(operator.eq, array("Q", a), array("Q", b))) / BINS


def candidates(signatures: list[bytes]) -> Iterator[tuple[int, int]]:
    """Pairs (i < j) that agree on a whole band, each member of a band linked to the next member only."""
    seen: set[tuple[int, int]] = set()
    width = ROWS * _PACK.size // BINS
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        lo = band * width
        for i, sig in enumerate(signatures):
            buckets[sig[lo : lo + width]].append(i)
        for members in buckets.values():
            for a, b in itertools.pairwise(members):
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b
