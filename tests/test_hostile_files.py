"""Site profiles, cleaning rules and settings files are data: nothing in them is ever run.

The loaders use ``tomllib`` (and broken files name file and line: see
``test_cleaning_rules.py`` and ``test_extraction_profiles.py``); this test keeps
code-running loaders out of the package for good.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newscrawl

PACKAGE = Path(newscrawl.__file__).resolve().parent
#: Calls that run or unpickle data: none of them may read a data file.
RUNS_CODE = re.compile(r"(?<![.\w])(?:eval|exec|compile)\(|\byaml\.(?:unsafe_)?load\(|"
                       r"\bpickle\.loads?\(|\bmarshal\.loads?\(|\b__import__\(")


#: The one exception: page workers (``newscrawl/pageworker.py``) exchange pickles with the
#: crawl process that started them (``newscrawl/workers.py``), over the anonymous pipes
#: between the two — never a file.
PICKLE_PIPES = ("workers.py", "pageworker.py")


def test_no_code_running_loaders_in_the_package() -> None:
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if RUNS_CODE.search(line) and not line.lstrip().startswith("#")
             and not (path.name in PICKLE_PIPES
                      and RUNS_CODE.search(line).group().startswith("pickle."))]
    assert found == []


def _load_rules(path: Path) -> object:
    from newscrawl.cleaning import load_rules
    return load_rules([path])


def _load_profile(path: Path) -> object:
    from newscrawl.extraction import load_profile
    return load_profile(path)


def _load_sites(path: Path) -> object:
    from newscrawl.discovery.sites import load_sites
    return load_sites(path)


GARBAGE = {"not-utf8": b'domains = ["x.com"]\nbody = "\xff\xfe\x00"\n', "nul-bytes": b"\x00" * 64,
           "huge": b"[[site]]\n" * 50_000}


@pytest.mark.parametrize("loader", [_load_profile, _load_sites], ids=["profile", "sites"])
@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_data_files_give_an_error_naming_the_file(tmp_path: Path, loader, name) -> None:
    path = tmp_path / "garbage.toml"
    path.write_bytes(GARBAGE[name])
    with pytest.raises(ValueError) as info:
        loader(path)
    assert str(path) in str(info.value)


def test_rule_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "garbage.toml"
    path.write_bytes(GARBAGE["not-utf8"])
    with pytest.raises(ValueError) as info:
        _load_rules(path)
    assert str(path) in str(info.value)
