"""Formula cells: written with a leading apostrophe, read back exactly as typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.cells import protect, unprotect


@pytest.mark.parametrize(
    "cell, written",
    [
        ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=already quoted", "''=already quoted"),
        ("''+twice", "'''+twice"),
        ("-77.036", "-77.036"),  # a number is no formula
        ("+3", "+3"),
        ("1e5", "1e5"),
        ("'plain", "'plain"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_protect(cell: str, written: str) -> None:
    assert protect(cell) == written
    assert unprotect(written) == cell


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1. "), max_size=8))
def test_unprotect_inverts_protect(cell: str) -> None:
    assert unprotect(protect(cell)) == cell
