"""``benchmarks/dump_results.py``: every page's results as JSON lines, and their comparison."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from benchmarks.dump_results import diff, dump
from tests.conftest import ROOT


def _corpus(folder: Path) -> Path:
    pages = [p for p in sorted((ROOT / "samples").rglob("*.html")) if p.name != "index.html"][:2]
    (folder / "pages").mkdir(parents=True)
    with open(folder / "gold.jsonl", "w", encoding="utf-8") as fh:
        for n, page in enumerate(pages):
            (folder / "pages" / f"p{n}.html.gz").write_bytes(gzip.compress(page.read_bytes()))
            rel = page.relative_to(ROOT / "samples").as_posix()
            url = f"https://www.dailyharbor.example/{rel}" if n else None  # dragnet has nulls
            fh.write(json.dumps({"id": f"p{n}", "url": url}) + "\n")
    return folder


def test_dump_writes_one_line_a_page_and_diff_names_the_changed_fields(tmp_path, capsys):
    corpus = _corpus(tmp_path / "corpus")
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert dump(corpus, first) == 2
    assert dump(corpus, second) == 2
    assert first.read_bytes() == second.read_bytes()  # the same code gives the same bytes
    lines = [json.loads(line) for line in first.read_text("utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["p0", "p1"]
    assert {"verdict", "dropped", "extraction", "cleaning", "item"} <= lines[0].keys()
    assert diff(first, second) == 0
    changed = [dict(line) for line in lines]
    item = next(line for line in changed if line["item"])
    item["item"] = {**item["item"], "word_count": -1}
    second.write_text("".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n"
                              for line in changed), "utf-8")
    capsys.readouterr()
    assert diff(first, second) == 1
    assert f"{item['id']}: item.word_count:" in capsys.readouterr().out
