"""The no-argument demo from a real (non-editable) install: ``pip install .`` of a copy
of the project into a scratch folder, then ``scrapy crawl news`` with that install.

Slow-ish (one ``pip install --no-deps --no-build-isolation`` of the project, about half a
minute, plus two short crawls). From the folder of ``scrapy.cfg`` and ``samples/`` the
demo crawls the samples; from a folder without them it stops with one line saying what
to do (once it crashed looking for ``site-packages/samples``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES, read_jsonl

#: installs the package into a fresh venv: more than ~2 s each (``-m "not slow"`` leaves them out).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A folder holding newscrawl as ``pip install`` (not ``-e``) puts it in site-packages."""
    work = tmp_path_factory.mktemp("install")
    source = work / "source"
    shutil.copytree(ROOT / "newscrawl", source / "newscrawl",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.c"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    target = work / "site-packages"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "No module named pip" in done.stderr:
        pytest.skip("pip is not installed in the test environment")
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def _scrapy(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``scrapy ARGS`` with newscrawl imported from ``installed`` only (not the checkout)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "SCRAPY_SETTINGS_MODULE")}
    env.update(PYTHONPATH=str(installed), SCRAPY_SETTINGS_MODULE="newscrawl.settings")
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def test_installed_package_is_the_one_imported(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    done = subprocess.run([sys.executable, "-c", "import json, newscrawl.settings as s; "
                           "print(json.dumps([s.__file__, s.NEWSCRAWL_SAMPLES_DIR]))"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert json.loads(done.stdout) == [str(installed / "newscrawl" / "settings.py"), ""]
    assert not (installed / "samples").exists()


def test_demo_crawl_from_the_project_folder(installed, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    shutil.copytree(SAMPLES, project / "samples")
    done = _scrapy(installed, project, "crawl", "news", "-O", "out.jsonl",
                   "-s", "NEWSCRAWL_STORE=")
    assert done.returncode == 0, done.stderr[-3000:]
    items = read_jsonl(project / "out.jsonl")
    expected = sorted(p.relative_to(SAMPLES).as_posix().replace(".expected.json", ".html")
                      for p in SAMPLES.rglob("*.expected.json"))
    assert sorted(i["url"].split("/samples/", 1)[1] for i in items) == expected
    assert all(i["url"].startswith((project / "samples").as_uri()) for i in items)
    assert sum(len(i["removed"]) for i in items) > 0  # the bundled rules were used


def test_demo_crawl_without_samples_says_what_to_do(installed, tmp_path):
    done = _scrapy(installed, tmp_path, "crawl", "news", "-O", "out.jsonl")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "never retrieved" not in done.stderr
    errors = [line.removeprefix("newscrawl: error: ") for line in done.stderr.splitlines()
              if "error: " in line.lower()]
    assert errors == [
        "no sample site to crawl: no samples/index.html beside scrapy.cfg (no scrapy.cfg in "
        "this folder or its parents). Give start points (-a start_urls=URL, -a feeds=, "
        "-a sitemaps= or -a sites=FILE), run the crawl in a newscrawl checkout (the folder "
        "of scrapy.cfg and samples/), or set -s NEWSCRAWL_SAMPLES_DIR=FOLDER"]
    assert list(tmp_path.iterdir()) == []  # no feed file, no store
