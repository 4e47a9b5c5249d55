"""A sequence whose items are made when they are reached: a batch's results and a rule's digests are read back
from the run's store one at a time, and a ranking reads a document's results in its own order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

T = TypeVar("T")


class Lazy(Sequence[T]):
    """Items made from `keys` by `item`, on each access (nothing is kept)."""

    keys: Sequence[Any]

    def item(self, key: Any) -> T:  # pragma: no cover
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self.item(key) for key in self.keys[index]]
        return self.item(self.keys[index])

    def __iter__(self) -> Iterator[T]:
        return (self.item(key) for key in self.keys)
