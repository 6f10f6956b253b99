"""The archive's readers build their constant string columns without n Python objects: the
same Arrow values as the object arrays they replace."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from geo.archive.readers import _repeated


@pytest.mark.parametrize("value", ["a0b1c2", "~abc123", "N103WG", None])
@pytest.mark.parametrize("n", [0, 1, 517])
def test_a_repeated_value_is_the_column_of_n_objects(value: str | None, n: int) -> None:
    column = _repeated(value, n)
    before = pa.array(np.full(n, value, dtype=object), type=pa.string())
    assert column.type == pa.string() and column.equals(before)
    assert column.null_count == (n if value is None else 0)
    assert column.to_pylist() == [value] * n
