"""A cache sized by the bytes its values hold (:class:`ByteCache`), shared by the app's
sessions: a total cap and eviction of the least recently used."""

from __future__ import annotations

import sys
import threading
import types
from collections import OrderedDict
from datetime import date

# ---- a cache sized by bytes -----------------------------------------------------------------

SAMPLED_ITEMS = 256
"""A sequence longer than this is sized by this many of its items, evenly spaced."""


def deep_size(value: object) -> int:
    """The bytes ``value`` holds, measured: every object it reaches (``sys.getsizeof``; a
    NumPy array's buffer, a DataFrame's deep memory usage), each counted once. A tuple, list,
    set or dict longer than :data:`SAMPLED_ITEMS` is measured on that many items, evenly
    spaced, and scaled to its length (a dataset of a million events is sized in milliseconds).
    Classes, modules and functions are not part of a value and are not counted."""
    seen: set[int] = set()
    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType)
    leaves = (str, bytes, bytearray, int, float, complex, bool, type(None), date, memoryview)

    def size(obj: object) -> int:
        if id(obj) in seen or isinstance(obj, skip):
            return 0
        seen.add(id(obj))
        if isinstance(obj, leaves):
            return sys.getsizeof(obj)
        if hasattr(obj, "memory_usage") and hasattr(obj, "columns"):  # a DataFrame
            return int(obj.memory_usage(deep=True).sum())
        if hasattr(obj, "nbytes") and hasattr(obj, "dtype"):  # an array: its buffer too
            return sys.getsizeof(obj) + int(getattr(obj, "nbytes", 0))
        items: list[object]
        if isinstance(obj, dict):
            items = [x for kv in obj.items() for x in kv]
        elif isinstance(obj, tuple | list | set | frozenset | OrderedDict):
            items = list(obj)
        else:
            items = [getattr(obj, name) for name in _slots(type(obj)) if hasattr(obj, name)]
            items += list(getattr(obj, "__dict__", {}).values())
        own = sys.getsizeof(obj)
        if len(items) <= SAMPLED_ITEMS:
            return own + sum(size(x) for x in items)
        step = len(items) / SAMPLED_ITEMS
        picked = [items[int(k * step)] for k in range(SAMPLED_ITEMS)]
        return own + int(sum(size(x) for x in picked) * len(items) / SAMPLED_ITEMS)

    return size(value)


def _slots(cls: type) -> list[str]:
    return [name for klass in cls.__mro__ for name in getattr(klass, "__slots__", ())
            if isinstance(name, str) and not name.startswith("__")]


class ByteCache:
    """The datasets, documents, tables and selections sessions share, kept while their
    measured sizes (:func:`deep_size`) fit in ``budget`` bytes: the least recently used go
    first, and a value over a quarter of the budget is not kept at all. One lock: a
    Streamlit server runs each session's script on a thread of its own."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: object, size: int | None = None) -> int:
        """Keep ``value`` (its size measured unless given); the bytes it was counted as."""
        n = deep_size(value) if size is None else size
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._total -= old[1]
            if n > self.budget // 4:
                return n
            self._items[key] = (value, n)
            self._total += n
            while self._total > self.budget and self._items:
                _, (_, gone) = self._items.popitem(last=False)
                self._total -= gone
        return n

    @property
    def size(self) -> int:
        with self._lock:
            return self._total

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
