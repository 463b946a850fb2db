"""Package data (cleaning rules, site profiles, the JSON schema) read through
importlib.resources, so that it is found inside a zipped egg (what ``scrapyd-deploy``
uploads), and an install without it stops with a message instead of cleaning nothing."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from newscrawl.cleaning import RuleFileError, load_rules
from newscrawl.cleaning import ruleset as rules_module
from newscrawl.extraction.profiles import (
    PROFILE_DIR,
    ProfileError,
    bundled_profile,
    load_profiles,
    require_profiles,
)
from newscrawl.output import validation
from tests.conftest import FAST, ROOT, run_crawl

PACKAGE = ROOT / "newscrawl"
DATA_SUFFIXES = (".toml", ".json")


def _zip_package(dest: Path, *, with_data: bool = True) -> Path:
    """The newscrawl package as a zip file, the way an egg holds it (no compiled module)."""
    with zipfile.ZipFile(dest, "w") as archive:
        for path in sorted(PACKAGE.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py" or (with_data and path.suffix in DATA_SUFFIXES):
                archive.write(path, path.relative_to(ROOT).as_posix())
    return dest


_PROBE = """
import json, pickle
import newscrawl
from newscrawl.cleaning import load_rules
from newscrawl.extraction.profiles import PROFILE_DIR, load_profiles
from newscrawl.output.validation import article_schema
rules = load_rules()
profiles = load_profiles(PROFILE_DIR)
again = pickle.loads(pickle.dumps(profiles[0]))  # as a profile travels to a page worker
print(json.dumps({
    "module": newscrawl.__file__, "profile_dir": type(PROFILE_DIR).__module__,
    "rules": sorted(r.label for r in rules.all_rules()),
    "sources": sorted({r.source.rsplit("/", 1)[1] for r in rules.all_rules()}),
    "profiles": [p.name for p in profiles], "again": again.name,
    "schema": article_schema()["title"],
}))
"""


def _probe(zipped: Path, code: str = _PROBE) -> subprocess.CompletedProcess:
    """Run ``code`` with newscrawl imported from ``zipped`` (zipimport), not the checkout."""
    env = {**os.environ, "PYTHONPATH": str(zipped)}
    return subprocess.run([sys.executable, "-c", code], cwd=zipped.parent, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_rules_profiles_and_schema_load_from_a_zipped_package(tmp_path):
    done = _probe(_zip_package(tmp_path / "newscrawl.egg"))
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["module"] == str(tmp_path / "newscrawl.egg" / "newscrawl" / "__init__.py")
    assert found["profile_dir"].startswith("zipfile")  # zipfile.Path: read inside the zip
    here = load_rules()
    assert found["rules"] == sorted(r.label for r in here.all_rules())
    assert found["sources"] == sorted(p.name for p in (PACKAGE / "cleaning" / "rules").glob(
        "*.toml"))
    assert found["profiles"] == [p.name for p in load_profiles(PROFILE_DIR)] != []
    assert found["again"] == found["profiles"][0]
    assert found["schema"] == validation.article_schema()["title"]


def test_zipped_package_without_its_data_says_so(tmp_path):
    zipped = _zip_package(tmp_path / "newscrawl.egg", with_data=False)
    done = _probe(zipped, "from newscrawl.cleaning import load_rules\nload_rules()")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"newscrawl.cleaning.ruleset.RuleFileError: {zipped}/newscrawl/cleaning/rules: no bundled"
        " cleaning rules (*.toml) found: the installed newscrawl package is incomplete; "
        "reinstall it")
    done = _probe(zipped, "from newscrawl.output.validation import article_schema\n"
                          "article_schema()")
    assert done.returncode == 1
    assert "cannot read the bundled JSON schema" in done.stderr.strip().splitlines()[-1]


def test_bundled_profile_travels_by_name():
    profile = load_profiles(PROFILE_DIR)[0]
    assert profile.bundled == "independent.toml"
    function, args = profile.__reduce__()
    assert (function, args) == (bundled_profile, ("independent.toml",))
    assert pickle.loads(pickle.dumps(profile)) is bundled_profile("independent.toml")


def test_require_profiles_names_a_missing_or_empty_folder(tmp_path):
    with pytest.raises(ProfileError, match=r"^no such folder: the profile folder .*/nope "
                                           r"\(NEWSCRAWL_PROFILE_DIRS\)$"):
        require_profiles(tmp_path / "nope")
    with pytest.raises(ProfileError, match=r"^no profiles \(\*\.toml\) in the profile folder"):
        require_profiles(tmp_path)
    assert require_profiles(PROFILE_DIR) == load_profiles(PROFILE_DIR)


def test_empty_bundled_rule_folder_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(rules_module, "BUNDLED_DIR", tmp_path)
    with pytest.raises(RuleFileError, match="no bundled cleaning rules"):
        load_rules()
    (tmp_path / "empty.toml").write_text("# nothing\n", "utf-8")
    with pytest.raises(RuleFileError, match="hold no DOM or no text rules"):
        load_rules()


# -- a crawl told to use data it cannot find stops at start-up, with one line ------------------

def _last_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if "error: " in line.lower()]
    assert len(errors) == 1, stderr[-3000:]
    assert "Traceback" not in stderr and "never retrieved" not in stderr, stderr[-3000:]
    assert errors[0].startswith("newscrawl: error: "), errors
    return errors[0].removeprefix("newscrawl: error: ")


@pytest.mark.slow
def test_crawl_stops_without_bundled_rules(tmp_path, samples_server):
    # The rule folder as an install without package data has it: there, but empty.
    (tmp_path / "rules").mkdir()
    code = ("import sys, scrapy.cmdline\n"
            "from pathlib import Path\n"
            "import newscrawl.cleaning.ruleset as r\n"
            f"r.BUNDLED_DIR = Path({str(tmp_path / 'rules')!r})\n"
            "sys.argv = ['scrapy'] + sys.argv[1:]\n"
            "scrapy.cmdline.execute()\n")
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, "crawl", "news", "-a",
         f"start_urls={samples_server.base}", *FAST, "-O", str(tmp_path / "out.jsonl")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert _last_error(done.stderr) == (
        f"{tmp_path / 'rules'}: no bundled cleaning rules (*.toml) found: the installed "
        "newscrawl package is incomplete; reinstall it")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.slow
def test_crawl_stops_on_a_missing_profile_folder(tmp_path, samples_server):
    done = run_crawl("-a", f"start_urls={samples_server.base}", *FAST,
                     "-s", f"NEWSCRAWL_PROFILE_DIRS={tmp_path / 'mine'}",
                     "-O", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert done.returncode == 2
    assert _last_error(done.stderr) == (
        f"no such folder: the profile folder {tmp_path / 'mine'} (NEWSCRAWL_PROFILE_DIRS)")

