"""The README's second Quick-start command names, beside it, every program it needs that pip
cannot install: each Debian package ``.ci/run`` installs, and Node with npm."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_prerequisite_of_the_test_command_is_named_beside_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    command = re.findall(r"```\n(.*?)```", quick, re.S)[0].splitlines()[1]
    assert "npm ci" in command and "pytest" in command
    installed = re.findall(r"need\+=\(([\w.-]+)\)", (ROOT / ".ci" / "run").read_text())
    assert sorted(installed) == ["chromium", "gdal-bin", "libxml2-utils"]
    (line,) = re.findall(r"`sudo apt-get install ([^`]+)`", quick)
    assert set(installed) | {"nodejs", "npm"} <= set(line.split())
    for program in ("xmllint", "ogrinfo", "/usr/bin/chromium", "Node"):
        assert program in quick, program
