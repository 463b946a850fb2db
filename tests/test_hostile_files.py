"""Site profiles, cleaning rules and settings files are data: nothing in them is ever run.

The loaders use ``tomllib`` (and broken files name file and line: see
``test_cleaning_rules.py`` and ``test_extraction_profiles.py``); this test keeps
code-running loaders out of the package for good.
"""

from __future__ import annotations

import re
from pathlib import Path

import newscrawl

PACKAGE = Path(newscrawl.__file__).resolve().parent
#: Calls that run or unpickle data: none of them may read a data file.
RUNS_CODE = re.compile(r"(?<![.\w])(?:eval|exec|compile)\(|\byaml\.(?:unsafe_)?load\(|"
                       r"\bpickle\.loads?\(|\bmarshal\.loads?\(|\b__import__\(")


def test_no_code_running_loaders_in_the_package() -> None:
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if RUNS_CODE.search(line) and not line.lstrip().startswith("#")]
    assert found == []
