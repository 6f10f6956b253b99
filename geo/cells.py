"""Spreadsheet-safe CSV cells: text that a spreadsheet would run as a formula is written with
a leading apostrophe, and reading takes exactly that apostrophe off again (OWASP, "CSV
Injection").

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to LibreOffice and Excel (``=HYPERLINK(…)`` opens a link, ``=cmd|…`` once ran
programs). Written as ``'=HYPERLINK(…)`` it is shown as text. To make the round trip
lossless the rule also covers text that already begins with apostrophes before such a
character: :func:`protect` adds one apostrophe to every cell matching ``'*[=+\\-@\\t\\r]``,
and :func:`unprotect` takes one off every cell matching ``'+[=+\\-@\\t\\r]``, so
``unprotect(protect(text)) == text`` for every text.

A plain number (``-77.036``, ``+3``) is no formula and is written as it is (a reader sees the
number, and a re-read keeps it, since it has no apostrophe to lose).
"""

from __future__ import annotations

import re

_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z", re.ASCII)


def protect(cell: str) -> str:
    """``cell`` as a CSV writer should write it: with one more leading ``'`` when it would
    read as a formula (see the module docstring); plain numbers as they are."""
    if _NEEDS_QUOTE.match(cell) and not _NUMBER.match(cell):
        return "'" + cell
    return cell


def unprotect(cell: str) -> str:
    """``cell`` as read from a CSV file: one leading ``'`` fewer when one or more ``'`` are
    followed by a formula character (the inverse of :func:`protect`)."""
    return cell[1:] if _QUOTED.match(cell) else cell
