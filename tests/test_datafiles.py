"""Data files (sites, profiles, rules) are TOML only, and errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.datafiles import DataFileError, read_toml


def test_reads_text_and_data(tmp_path: Path):
    path = tmp_path / "ok.toml"
    path.write_text('name = "a"\n', encoding="utf-8")
    assert read_toml(path, "sites file") == ('name = "a"\n', {"name": "a"})


@pytest.mark.parametrize(("content", "line", "detail"), [
    (b'name = "a"\nfeeds = [\n', 2, "invalid TOML: Invalid value (at end of document)"),
    (b'a = 1\nb = = 2\n', 2, "invalid TOML: Invalid value (at line 2, column 5)"),
    (b'\xff\xfe not utf-8', None, "cannot read sites file: 'utf-8' codec can't decode"),
])
def test_errors_name_file_and_line(tmp_path: Path, content: bytes, line: int | None, detail: str):
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        read_toml(path, "sites file")
    assert (info.value.path, info.value.line) == (str(path), line)
    assert info.value.detail.startswith(detail)
    where = f"{path}, line {line}: " if line else f"{path}: "
    assert str(info.value).startswith(where + detail)


def test_missing_file(tmp_path: Path):
    with pytest.raises(DataFileError, match=r"missing\.toml: cannot read profile: "):
        read_toml(tmp_path / "missing.toml", "profile")
