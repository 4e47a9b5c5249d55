"""Things joined in groups by pairs (union-find): the table cells a grid's rulings join, the texts a near-copy joins.

The readers and the rules both use it, so it stands in the core, below both.
"""

from __future__ import annotations

from collections import Counter


class Groups:
    """`count` things, each its own group until joined; a group is named by its smallest member."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]  # halve the path: later finds are shorter
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def sizes(self) -> dict[int, int]:
        """How many things each group holds, by its name."""
        return dict(Counter(self.find(i) for i in range(len(self.parent))))
