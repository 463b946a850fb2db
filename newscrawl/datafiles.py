"""Reading the project's data files (sites, site profiles, cleaning rules): TOML only.

Data files are read with :mod:`tomllib` — data, never code — and every error names
the file and, where it can be known, the line, so that a user can fix the file
without reading a traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

_TOML_LINE = re.compile(r"at line (\d+)")


class DataFileError(ValueError):
    """A data file that cannot be read or parsed: ``path``, ``line`` (or None), ``detail``."""

    def __init__(self, path: str | Path, line: int | None, detail: str) -> None:
        self.path, self.line, self.detail = str(path), line, detail
        super().__init__(f"{path}, line {line}: {detail}" if line else f"{path}: {detail}")

    def __reduce__(self) -> tuple:  # pickled with its own arguments (page workers raise it)
        return type(self), (self.path, self.line, self.detail)


def read_toml(path: str | Path, what: str) -> tuple[str, dict[str, Any]]:
    """The text and the parsed data of a TOML file (``what`` names it in errors)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read {what}: {exc}") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        # "at end of document" has no line: the last line is where the file broke off.
        line = int(found.group(1)) if found else len(text.rstrip().splitlines()) or 1
        raise DataFileError(path, line, f"invalid TOML: {exc}") from exc
