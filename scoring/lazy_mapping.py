"""A read-only mapping built the first time it is read.

The vectorised scorer holds a national run's chỉ tiêu checks and evidence as
columns; a result's `checks` or `evidence` becomes a dict of objects only
when something (the results writer, a page, a test) reads it. It compares
equal to the dict it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class LazyMapping(Mapping[K, V]):
    __slots__ = ("_build", "_data")

    def __init__(self, build: Callable[[], dict[K, V]]) -> None:
        self._build: Callable[[], dict[K, V]] | None = build
        self._data: dict[K, V] | None = None

    def _dict(self) -> dict[K, V]:
        if self._data is None:
            assert self._build is not None
            self._data, self._build = self._build(), None
        return self._data

    def __getitem__(self, key: K) -> V:
        return self._dict()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def __repr__(self) -> str:
        return repr(self._dict())

    # The dict's own views and lookups: `Mapping`'s would call `__getitem__` once per key, and the results writer
    # reads a national year's checks item by item (some 300,000 of them).
    def items(self) -> ItemsView[K, V]:
        return self._dict().items()

    def keys(self) -> KeysView[K]:
        return self._dict().keys()

    def values(self) -> ValuesView[V]:
        return self._dict().values()

    @overload
    def get(self, key: K, /) -> V | None: ...

    @overload
    def get(self, key: K, /, default: V | T) -> V | T: ...

    def get(self, key: K, /, default: Any = None) -> Any:
        return self._dict().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._dict()

    def __eq__(self, other: object) -> bool:
        return self._dict() == other

    __hash__ = None  # type: ignore[assignment]  # a mapping, as dict
