"""The HTML report: one self-contained file with the figures as charts and sample items.

Everything is inline — styles, SVG charts, a short script — so the file opens anywhere,
offline, and can be mailed or attached to a ticket. The script only adds tooltips and
records what rendered: ``<body data-charts-rendered="N" data-errors="[…]">``, which the
test reads back from headless Chromium.

>>> html = render_report([], title="empty")
>>> "no items" in html
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any

from newscrawl.report.charts import (
    OTHER_COLOR,
    PALETTE,
    hbar_chart,
    legend,
    stacked_bar_chart,
    vbar_chart,
)
from newscrawl.report.stats import UNDATED, CrawlStats, compute_stats, item_site

#: Rules shown in the removals chart; the rest are summed into one "other rules" bar.
MAX_RULE_BARS = 25
#: Kept paragraphs shown per sample item before "… N more".
MAX_KEPT_PARAGRAPHS = 40


def render_report(items: Sequence[dict[str, Any]], *, title: str, sample: int = 10,
                  generated_at: str | None = None) -> str:
    """The whole report page for ``items`` (dicts as the feed writes them)."""
    stats = compute_stats(items)
    generated_at = generated_at or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if not stats.items:
        body = '<p class="empty">no items</p>'
    else:
        body = "".join([
            _cards(stats),
            _section("Articles per day", "per-day", _per_day(stats)),
            _section("Field coverage", "coverage", _coverage(stats)),
            _section("Word count", "words", _words(stats)),
            _section("Removals per rule", "removals", _removals(stats)),
            _section("Duplicates", "duplicates", _duplicates(stats)),
            _section("Sample items with removed paragraphs", "samples",
                     _samples(pick_samples(items, sample))),
        ])
    return _PAGE.format(title=escape(title), generated=escape(generated_at), body=body,
                        style=_STYLE, error_script=_ERROR_SCRIPT, script=_SCRIPT)


def pick_samples(items: Sequence[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Up to ``count`` items with removed paragraphs, chosen to show as many rules as possible.

    Greedy: each pick is the item adding most rules not yet shown (ties: most removals,
    then feed order), so one glance covers the cleaning's range, not ten newsletter boxes.
    A repeated item (same ``id``) is shown once.
    """
    candidates, ids = [], set()
    for item in items:
        key = item.get("id") or item.get("url")
        if item.get("removed") and key not in ids:
            candidates.append(item)
            ids.add(key)
    shown: set[str] = set()
    picked: list[dict[str, Any]] = []
    while candidates and len(picked) < count:
        best = max(candidates, key=lambda it: (len(_rules(it) - shown), len(it["removed"]),
                                               -candidates.index(it)))
        candidates.remove(best)
        picked.append(best)
        shown |= _rules(best)
    return picked


def _rules(item: dict[str, Any]) -> set[str]:
    return {r.get("rule") or "?" for r in item.get("removed") or []}


# -- sections -------------------------------------------------------------------------------

def _cards(stats: CrawlStats) -> str:
    days = stats.days
    span = f"{days[0]} to {days[-1]}" if days else "no dated items"
    dup = stats.duplicates
    cards = [("items", stats.items, ""), ("sites", len(stats.per_site), ""),
             ("days with articles", len(days), span),
             ("paragraphs removed", stats.removed_total,
              f"from {stats.items_with_removals} items"),
             ("duplicates", dup.same_url + dup.same_body, "same URL or same body")]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{value}</b><span>{escape(label)}</span>'
        f'<small>{escape(note)}</small></div>' for label, value, note in cards) + "</div>"


def _section(title: str, name: str, content: str) -> str:
    return f'<section id="{name}"><h2>{escape(title)}</h2>{content}</section>'


def _per_day(stats: CrawlStats) -> str:
    sites = list(stats.per_site)
    shown = sites if len(sites) <= len(PALETTE) else sites[:len(PALETTE) - 1]
    colors = {site: PALETTE[i] for i, site in enumerate(shown)}
    if len(shown) < len(sites):
        colors["other sites"] = OTHER_COLOR
    days = stats.days
    series = {name: [0] * len(days) for name in colors}
    for i, day in enumerate(days):
        for site, n in stats.per_day[day].items():
            series[site if site in series else "other sites"][i] += n
    note = ""
    if UNDATED in stats.per_day:
        n = sum(stats.per_day[UNDATED].values())
        note = (f'<p class="note">{n} item{"s" if n != 1 else ""} without a publication date '
                f'{"are" if n != 1 else "is"} not in the chart.</p>')
    if not days:
        return note or '<p class="note">no dated items</p>'
    chart = stacked_bar_chart("per-day", days, series, colors,
                              label="articles per publication day, stacked by site")
    return (f'<p class="note">By the date the page gives; only days with articles are '
            f'shown.</p>{chart}{legend(colors)}{note}')


def _coverage(stats: CrawlStats) -> str:
    rows = [(name, n, f"{stats.share(n) * 100:.0f}%") for name, n in stats.coverage.items()]
    return ('<p class="note">Share of items where the field is set.</p>'
            + hbar_chart("coverage", rows, max_value=stats.items, color=PALETTE[2],
                         label="field coverage"))


def _words(stats: CrawlStats) -> str:
    w = stats.words
    note = (f'<p class="note">min {w.min} · 25% {w.p25} · median {w.median} · '
            f'75% {w.p75} · max {w.max} · mean {w.mean}</p>')
    return note + vbar_chart("words", list(w.histogram.items()), color=PALETTE[0],
                             label="items by word count")


def _removals(stats: CrawlStats) -> str:
    if not stats.removals:
        return '<p class="note">No paragraphs were removed.</p>'
    ordered = list(stats.removals.items())
    rows = [(rule, n, f"{n} in {stats.removal_items[rule]}") for rule, n in
            ordered[:MAX_RULE_BARS]]
    rest = ordered[MAX_RULE_BARS:]
    if rest:
        total = sum(n for _, n in rest)
        rows.append((f"{len(rest)} other rules", total, str(total)))
    return ('<p class="note">Paragraphs removed by each cleaning rule, "in N" items.</p>'
            + hbar_chart("removals", rows, max_value=max(n for _, n, _ in rows),
                         color=PALETTE[3], label="removed paragraphs per rule"))


def _duplicates(stats: CrawlStats) -> str:
    dup = stats.duplicates
    rows = [("same canonical URL as an earlier item", dup.same_url),
            ("same body as an item at another URL", dup.same_body),
            ("marked duplicate_of", dup.marked)]
    return '<table class="dups">' + "".join(
        f"<tr><td>{escape(label)}</td><td>{n}</td></tr>" for label, n in rows) + "</table>"


def _samples(items: list[dict[str, Any]]) -> str:
    if not items:
        return '<p class="note">No item had paragraphs removed.</p>'
    return "".join(_sample(item) for item in items)


def _sample(item: dict[str, Any]) -> str:
    url = item.get("url") or ""
    meta = [item_site(item), item.get("published") or "undated",
            ", ".join(item.get("authors") or []) or "no author", item.get("language") or "?",
            f"{item.get('word_count', 0)} words"]
    removed = item.get("removed") or []
    paragraphs = item.get("paragraphs") or []
    return (f'<article class="sample"><h3><a href="{escape(url)}">'
            f'{escape(item.get("title") or "(no title)")}</a></h3>'
            f'<p class="meta">{" · ".join(escape(m) for m in meta)}</p>'
            f'<h4>Text in reading order: {len(paragraphs)} paragraphs kept, '
            f'{len(removed)} removed (struck through)</h4>'
            f'<div class="text">{"".join(_reading_order(paragraphs, removed))}</div></article>')


def _reading_order(paragraphs: list[str], removed: list[dict[str, Any]]) -> list[str]:
    """Kept paragraphs with each removed one struck through where it stood (its ``at``);
    removed entries without a position come last. Long runs of kept text are elided."""
    by_position: dict[int, list[dict[str, Any]]] = {}
    for entry in removed:
        at = entry.get("at")
        position = at if isinstance(at, int) and at < len(paragraphs) else len(paragraphs)
        by_position.setdefault(position, []).append(entry)
    parts, quiet = [], 0
    for i in range(len(paragraphs) + 1):
        for entry in by_position.get(i, []):
            parts.append(f'<p class="removed"><span class="rule">{escape(entry.get("rule") or "?")}'
                         f'</span> <del>{escape(entry.get("text") or "")}</del></p>')
            quiet = 0
        if i < len(paragraphs):
            quiet += 1
            if quiet <= MAX_KEPT_PARAGRAPHS:
                parts.append(f"<p>{escape(paragraphs[i])}</p>")
            elif quiet == MAX_KEPT_PARAGRAPHS + 1:
                parts.append('<p class="note">…</p>')
    return parts


# -- the page -------------------------------------------------------------------------------

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;color:#1d2330;margin:0 auto;max-width:980px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #dde}
.generated,.note,.meta{color:#5b6475;font-size:13px;margin:4px 0}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{flex:1;min-width:140px;background:#f4f6f9;border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:26px}.card span{display:block}
.card small{color:#5b6475;white-space:nowrap}
svg.chart{display:block;max-width:100%;height:auto;overflow:visible}
svg.chart rect.mark:hover{opacity:.75}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:14px;font-size:13px}
.legend li{cursor:pointer}.legend li.off{opacity:.35}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px}
table.dups td{padding:2px 12px 2px 0}
.sample{border:1px solid #dde;border-radius:8px;padding:10px 16px;margin:12px 0}
.sample h3{font-size:16px;margin:4px 0}.sample h4{font-size:13px;margin:10px 0 4px}
.sample ul{padding-left:18px;margin:0}
.text .removed{margin:4px 0;padding-left:8px;border-left:3px solid #d9a}
.removed del{color:#a33;text-decoration-thickness:1px}
.rule{font:12px ui-monospace,monospace;background:#fde8e4;color:#8a2a16;border-radius:4px;
padding:1px 5px;white-space:nowrap}
#tip{position:fixed;pointer-events:none;background:#1d2330;color:#fff;font-size:12px;
padding:3px 7px;border-radius:4px;display:none}
"""

_ERROR_SCRIPT = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  window.__errors.push(String(e.message || e));
  document.body.setAttribute("data-errors", JSON.stringify(window.__errors));
});
</script>"""

_SCRIPT = """<script>
(function () {
  var tip = document.getElementById("tip");
  var charts = document.querySelectorAll("svg.chart");
  var rendered = 0;
  charts.forEach(function (svg) {
    var marks = svg.querySelectorAll(".mark");
    var drawn = 0;
    marks.forEach(function (m) {
      var box = m.getBBox();
      if (box.width > 0 && box.height > 0) { drawn += 1; }
      m.addEventListener("mousemove", function (e) {
        tip.textContent = m.querySelector("title").textContent;
        tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px";
        tip.style.display = "block";
      });
      m.addEventListener("mouseleave", function () { tip.style.display = "none"; });
    });
    svg.setAttribute("data-marks-drawn", drawn);
    if (drawn > 0) { rendered += 1; }
  });
  document.querySelectorAll(".legend li").forEach(function (li) {
    li.addEventListener("click", function () {
      var off = li.classList.toggle("off");
      document.querySelectorAll('svg[data-chart="per-day"] .mark').forEach(function (m) {
        if (m.getAttribute("data-series") === li.getAttribute("data-series")) {
          m.style.display = off ? "none" : "";
        }
      });
    });
  });
  document.body.setAttribute("data-charts", charts.length);
  document.body.dataset.chartsRendered = rendered;
  document.body.setAttribute("data-errors", JSON.stringify(window.__errors));
})();
</script>"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body>{error_script}
<h1>{title}</h1><p class="generated">generated {generated} by newscrawl</p>
{body}
<div id="tip"></div>
{script}
</body></html>
"""
