"""Reading the project's data files (sites, site profiles, cleaning rules): TOML only.

Data files are read with :mod:`tomllib` — data, never code — and every error names
the file and, where it can be known, the line, so that a user can fix the file
without reading a traceback.

The files shipped inside the package (rules, profiles, the schema) are found with
:mod:`importlib.resources` (:func:`bundled`), never as a path beside ``__file__``: in the
egg ``scrapyd-deploy`` uploads, the package is a zip file and no such path exists. A
:class:`~importlib.resources.abc.Traversable` (a ``Path``, or a ``zipfile.Path`` inside a
zip) is read like a file everywhere a path is taken.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from newscrawl.errors import UserError

#: A data file or folder: a path on disk, or a file inside the installed package.
DataPath = str | Path | Traversable

_TOML_LINE = re.compile(r"at line (\d+)")


class DataFileError(UserError):
    """A data file that cannot be read or parsed: ``path``, ``line`` (or None), ``detail``."""

    def __init__(self, path: DataPath, line: int | None, detail: str) -> None:
        self.path, self.line, self.detail = str(path), line, detail
        super().__init__(f"{path}, line {line}: {detail}" if line else f"{path}: {detail}")

    def __reduce__(self) -> tuple:  # pickled with its own arguments (page workers raise it)
        return type(self), (self.path, self.line, self.detail)


def bundled(*parts: str) -> Traversable:
    """A file or folder shipped inside the ``newscrawl`` package (``bundled("profiles")``),
    wherever the package is installed: a folder, a wheel's install, a zipped egg."""
    return resources.files("newscrawl").joinpath(*parts)


def as_data_path(path: DataPath) -> Path | Traversable:
    """``path`` as something that can be read: a string becomes a :class:`Path`."""
    return Path(path) if isinstance(path, str) else path


def line_of(text: str, key: str, after_line: int = 1) -> int:
    """The 1-based line of a TOML file's ``text`` where ``key`` (bare or quoted) is
    assigned, at or after ``after_line``; ``after_line`` when it is not found. The one
    finder of the line an error names, for sites files and site profiles.

    >>> line_of('name = "a"\\n\\n  "body" = 3\\n', "body")
    3
    """
    rx = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.M)
    offset = 0
    for _ in range(after_line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return after_line
    m = rx.search(text, offset)
    return text.count("\n", 0, m.start()) + 1 if m else after_line


def toml_files(folder: DataPath) -> list[Traversable]:
    """The ``*.toml`` files of ``folder`` sorted by name; empty when it is no folder."""
    folder = as_data_path(folder)
    if not folder.is_dir():
        return []
    return sorted((entry for entry in folder.iterdir()
                   if entry.name.endswith(".toml") and entry.is_file()),
                  key=lambda entry: entry.name)


def read_toml(path: DataPath, what: str) -> tuple[str, dict[str, Any]]:
    """The text and the parsed data of a TOML file (``what`` names it in errors)."""
    try:
        text = as_data_path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, None, f"cannot read {what}: {exc}") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        # "at end of document" has no line: the last line is where the file broke off.
        line = int(found.group(1)) if found else len(text.rstrip().splitlines()) or 1
        raise DataFileError(path, line, f"invalid TOML: {exc}") from exc
