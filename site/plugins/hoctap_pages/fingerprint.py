"""A digest of the values a page is rendered from: equal digests, equal pages.

The incremental build (`build_cache`) renders a page again only when the
digest of its context changes. The digest covers every value the template
can reach through the page's context, in the order the template would
iterate it (a dict's order shows on the page). Values of a type it does not
know make the page uncacheable (`OpaqueValueError`), so a page is never reused on a
guess: it is rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any


class OpaqueValueError(Exception):
    """A value whose content the digest cannot see: the page is rendered every time."""


_SCALARS = (str, bytes, int, float, bool, type(None), Decimal, date, datetime, PurePath)


class Fingerprint:
    """Digests values, remembering large shared ones (rubrics, units) by identity for one build."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def digest(self, value: Any) -> bytes:
        h = hashlib.blake2b(digest_size=20)
        self._feed(h, value)
        return h.digest()

    def _feed(self, h: Any, value: Any) -> None:
        if isinstance(value, _SCALARS):
            # The type is part of the digest: 1, 1.0, True and "1" render differently.
            h.update(f"{type(value).__name__}:{value!r};".encode("utf-8", "surrogatepass"))
            return
        if isinstance(value, Enum):
            h.update(f"enum:{type(value).__qualname__}.{value.name};".encode())
            return
        key = id(value)
        memo = self._memo.get(key)
        if memo is not None and memo[0] is value:
            h.update(memo[1])
            return
        inner = hashlib.blake2b(digest_size=20)
        self._feed_container(inner, value)
        digest = inner.digest()
        if isinstance(value, list | dict):
            h.update(digest)  # mutable: never remembered across calls
            return
        self._memo[key] = (value, digest)  # keeps the object alive, so its id is not reused this build
        h.update(digest)

    def _feed_container(self, h: Any, value: Any) -> None:
        if isinstance(value, Mapping):
            h.update(f"map{len(value)}(".encode())
            for k, v in value.items():
                self._feed(h, k)
                self._feed(h, v)
            h.update(b")")
        elif isinstance(value, list | tuple):
            h.update(f"{type(value).__name__}{len(value)}(".encode())
            for v in value:
                self._feed(h, v)
            h.update(b")")
        elif isinstance(value, set | frozenset):
            parts = sorted(self.digest(v) for v in value)
            h.update(f"set{len(parts)}(".encode() + b"".join(parts) + b")")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(f"dc:{type(value).__module__}.{type(value).__qualname__}(".encode())
            for f in dataclasses.fields(value):
                h.update(f.name.encode() + b"=")
                self._feed(h, getattr(value, f.name))
            h.update(b")")
        else:
            raise OpaqueValueError(type(value).__qualname__)
