"""A generated news site for crawl benchmarks and large crawl tests.

``python benchmarks/sitegen.py ARTICLES PORT_FILE`` serves, on 127.0.0.1 and an
ephemeral port (written to PORT_FILE):

- ``/``: the front page, linking every section page;
- ``/section/<n>.html``: 50 article teasers each;
- ``/news/<yyyy>/<mm>/<dd>/story-<id>.html``: article pages built from one template
  (JSON-LD NewsArticle, byline, standfirst, ~600 words, a newsletter box, a
  "Read more" teaser, a related list, share bar, footer) — every body unique.

Pages are deterministic in the article id. They are rendered (as UTF-8 bytes) before
the port is announced and served over keep-alive HTTP/1.1 connections, so that during
a crawl the server costs little CPU: on a two-core machine it shares the cores with the
crawl process and its page worker, and its own cost would otherwise weigh on the full
crawl (three busy processes) more than on the bare one (two). Nothing is written to disk.
"""

from __future__ import annotations

import random
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PER_SECTION = 50
_WORDS = ("harbour council union port minister ferry bridge budget report vote storm "
          "tide fishing workers wages school hospital court police market energy wind "
          "project residents mayor plan study data election city river coast trade "
          "shipping museum festival police train airport housing rent tax water").split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


def article_html(article_id: int) -> str:
    rng = random.Random(article_id)
    day = 1 + article_id % 28
    paragraphs = "\n".join(
        f"<p>{' '.join(_sentence(rng) for _ in range(3))} (Ref {article_id}-{i}.)</p>"
        for i in range(12))
    title = f"Story {article_id}: {_sentence(rng)[:60].rstrip('.')}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Generated Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="Generated Gazette">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"{title}","datePublished":"2024-05-{day:02d}T08:00:00+00:00",
"author":{{"@type":"Person","name":"Reporter {article_id % 17}"}}}}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/section/0.html">News</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Reporter {article_id % 17}</p>
<p class="standfirst">{_sentence(rng)}</p>
<div class="share-bar"><button>Share on Facebook</button><button>Share on X</button></div>
<div class="article-body">{paragraphs}
<aside class="newsletter-signup"><p>Sign up to our morning briefing newsletter.</p></aside>
<p><strong>Read more:</strong> <a href="/news/2024/05/01/story-{(article_id + 1)}.html">Another story</a></p>
</div><section class="related"><h2>Related</h2><ul><li><a href="/">Front page</a></li></ul></section>
</article></main><footer><p>© 2024 Generated Gazette</p></footer></body></html>"""


def section_html(section: int, articles: int) -> str:
    first = section * PER_SECTION
    ids = range(first, min(first + PER_SECTION, articles))
    links = "\n".join(f'<li><a href="/news/2024/05/{1 + i % 28:02d}/story-{i}.html">Story {i}</a></li>'
                      for i in ids)
    return f"<!doctype html><html><head><title>Section {section}</title></head><body><ul>{links}</ul></body></html>"


def front_html(articles: int) -> str:
    sections = (articles + PER_SECTION - 1) // PER_SECTION
    links = "\n".join(f'<a href="/section/{s}.html">Section {s}</a>' for s in range(sections))
    return f"<!doctype html><html><head><title>Generated Gazette</title></head><body>{links}</body></html>"


def render(articles: int) -> tuple[dict[str, bytes], list[bytes]]:
    """The front and section pages by path, and the article pages by id: rendered once."""
    pages = {"/": front_html(articles)}
    for section in range((articles + PER_SECTION - 1) // PER_SECTION):
        pages[f"/section/{section}.html"] = section_html(section, articles)
    return ({path: body.encode("utf-8") for path, body in pages.items()},
            [article_html(article_id).encode("utf-8") for article_id in range(articles)])


def make_handler(articles: int) -> type[BaseHTTPRequestHandler]:
    pages, stories = render(articles)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real news site's server

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            path = self.path.split("?")[0]
            data = pages.get(path)
            if data is None and path.startswith("/news/") and "story-" in path:
                article_id = int(path.rsplit("story-", 1)[1].split(".")[0])
                if article_id < articles:  # any date in the path, as before
                    data = stories[article_id]
            self.send_response(200 if data is not None else 404)
            if data is None:
                data = b"not found"
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


def serve(articles: int, port_file: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(articles))
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
