"""Site profiles: small declarative TOML files that override the generic rules.

A profile is data only — CSS selectors and hints for one site — kept in
``newscrawl/profiles/<site>.toml`` and read with :mod:`tomllib`::

    # newscrawl/profiles/independent.toml
    name = "The Independent"
    domains = ["independent.co.uk"]        # matched on the host and its subdomains
    headline = "h1"                        # CSS: the headline element
    body = "#main"                         # CSS: the story container (first match)
    paragraph = "p"                        # CSS: only these elements inside body are blocks
    exclude = [".related", "aside"]        # CSS: subtrees never read
    date = "time[datetime]"                # CSS: element with datetime/content/text
    author = "[rel=author]"                # CSS: byline elements

Every selector key takes a string or a list of strings (tried in order). All
keys but ``domains`` are optional; a missing key falls back to the generic
rule. A file that is not valid TOML, has an unknown key, a wrongly typed
value or an invalid CSS selector raises :class:`ProfileError` naming the file
and the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from newscrawl.datafiles import (
    DataFileError,
    DataPath,
    as_data_path,
    bundled,
    line_of,
    read_toml,
    toml_files,
)
from newscrawl.errors import UserError

#: Where the bundled profiles live: ``newscrawl/profiles`` inside the installed package, read
#: through :mod:`importlib.resources` (a ``zipfile.Path`` in a zipped egg).
PROFILE_DIR = bundled("profiles")
_SELECTOR_KEYS = ("headline", "body", "paragraph", "exclude", "date", "author")
_KNOWN_KEYS = frozenset(("name", "domains", "description", *_SELECTOR_KEYS))
_TRANSLATOR = GenericTranslator()


class ProfileError(UserError):
    """A site profile file that cannot be used; the message names file and line."""


@dataclass(slots=True)
class Profile:
    """One site's selectors, compiled once. See the module docstring for the keys."""

    name: str
    domains: list[str]
    path: str = ""
    bundled: str = ""
    """The file name of a profile shipped in :data:`PROFILE_DIR` (empty for a user's file):
    a page worker loads it from the package, where ``path`` may be inside a zip."""
    headline: list[etree.XPath] = field(default_factory=list)
    body: list[etree.XPath] = field(default_factory=list)
    paragraph: list[etree.XPath] = field(default_factory=list)
    exclude: list[etree.XPath] = field(default_factory=list)
    date: list[etree.XPath] = field(default_factory=list)
    author: list[etree.XPath] = field(default_factory=list)

    def __reduce__(self) -> tuple:
        """Pickled as its file (compiled XPaths do not pickle): a page worker loads the
        file once (:func:`profile_at`) and keeps it."""
        if self.bundled:
            return bundled_profile, (self.bundled,)
        if not self.path:
            raise TypeError(f"profile {self.name!r} has no file to be sent to a worker")
        return profile_at, (self.path,)

    def matches(self, url: str) -> bool:
        """True when the URL's host is one of the profile's domains or a subdomain."""
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def _first(self, xpaths: list[etree.XPath], root: etree._Element) -> etree._Element | None:
        for xp in xpaths:
            found = [e for e in xp(root) if isinstance(e, etree._Element)]
            if found:
                return found[0]
        return None

    def _all(self, xpaths: list[etree.XPath], root: etree._Element) -> list[etree._Element]:
        for xp in xpaths:
            found = [e for e in xp(root) if isinstance(e, etree._Element)]
            if found:
                return found
        return []

    def pick_headline(self, root: etree._Element) -> etree._Element | None:
        return self._first(self.headline, root)

    def pick_body(self, root: etree._Element) -> etree._Element | None:
        return self._first(self.body, root)

    def pick_dates(self, root: etree._Element) -> list[etree._Element]:
        return self._all(self.date, root)

    def pick_authors(self, root: etree._Element) -> list[etree._Element]:
        return self._all(self.author, root)

    def excluded(self, root: etree._Element) -> set[etree._Element]:
        out: set[etree._Element] = set()
        for xp in self.exclude:
            out.update(e for e in xp(root) if isinstance(e, etree._Element))
        return out

    def paragraphs(self, root: etree._Element) -> set[etree._Element]:
        out: set[etree._Element] = set()
        for xp in self.paragraph:
            out.update(e for e in xp(root) if isinstance(e, etree._Element))
        return out


def load_profile(path: DataPath) -> Profile:
    """Read and compile one profile file; :class:`ProfileError` names file and line."""
    path = as_data_path(path)
    try:
        text, data = read_toml(path, "profile")
    except DataFileError as exc:
        raise ProfileError(str(exc)) from exc

    def fail(key: str, message: str) -> ProfileError:
        return ProfileError(f"{path}, line {line_of(text, key)}: {key}: {message}")

    for key in data:
        if key not in _KNOWN_KEYS:
            raise fail(key, f"unknown key (known: {', '.join(sorted(_KNOWN_KEYS))})")
    domains = data.get("domains")
    if isinstance(domains, str):
        domains = [domains]
    if not domains or not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise fail("domains", "must be a non-empty list of host names")
    name = data.get("name", path.name.removesuffix(".toml"))
    if not isinstance(name, str):
        raise fail("name", "must be a string")
    compiled: dict[str, list[etree.XPath]] = {}
    for key in _SELECTOR_KEYS:
        value = data.get(key)
        if value is None:
            compiled[key] = []
            continue
        selectors = [value] if isinstance(value, str) else value
        if not isinstance(selectors, list) or not all(isinstance(s, str) and s.strip() for s in selectors):
            raise fail(key, "must be a CSS selector or a list of CSS selectors")
        xpaths = []
        for css in selectors:
            try:
                xpaths.append(etree.XPath(_TRANSLATOR.css_to_xpath(css)))
            except (SelectorError, etree.XPathSyntaxError) as exc:
                raise fail(key, f"invalid CSS selector {css!r}: {exc}") from exc
        compiled[key] = xpaths
    shipped = path.name if str(path) == str(PROFILE_DIR.joinpath(path.name)) else ""
    return Profile(name=name, domains=[d.lower().removeprefix("www.").rstrip(".") for d in domains],
                   path=str(path), bundled=shipped, **compiled)


@lru_cache(maxsize=64)
def profile_at(path: str) -> Profile:
    """The profile in the file at ``path``, loaded once per process."""
    return load_profile(path)


@lru_cache(maxsize=8)
def bundled_profile(name: str) -> Profile:
    """The shipped profile in the file ``name`` of :data:`PROFILE_DIR`, loaded once per process."""
    return load_profile(PROFILE_DIR.joinpath(name))


@lru_cache(maxsize=4)
def load_profiles(directory: DataPath = PROFILE_DIR) -> tuple[Profile, ...]:
    """Every ``*.toml`` profile in ``directory`` (sorted by file name), loaded once."""
    return tuple(load_profile(p) for p in toml_files(directory))


def require_profiles(directory: DataPath) -> tuple[Profile, ...]:
    """:func:`load_profiles` of a folder a crawl was told to use, which must hold some:
    :class:`ProfileError` for a missing folder or one without ``*.toml`` files (the bundled
    folder is missing only from an incomplete install)."""
    folder = as_data_path(directory)
    if str(folder) == str(PROFILE_DIR):
        where = (f"the bundled site profiles ({folder}): the installed newscrawl package "
                 "is incomplete; reinstall it, or set NEWSCRAWL_PROFILES_ENABLED=False")
    else:
        where = f"the profile folder {folder} (NEWSCRAWL_PROFILE_DIRS)"
    if not folder.is_dir():
        raise ProfileError(f"no such folder: {where}")
    found = load_profiles(directory)  # type: ignore[arg-type]  # Traversables are hashable; typeshed's Protocol is not Hashable
    if not found:
        raise ProfileError(f"no profiles (*.toml) in {where}")
    return found


def find_profile_in(url: str, directories: Iterable[DataPath]) -> Profile | None:
    """The first of ``directories`` (in order) that has a profile for the URL's host."""
    for directory in directories:
        found = find_profile(url, directory)
        if found is not None:
            return found
    return None


def find_profile(url: str, directory: DataPath = PROFILE_DIR) -> Profile | None:
    """The profile whose domains cover the URL's host (most specific domain wins)."""
    # Cached by the URL up to its path (``https://host:port``, the host's every spelling
    # included): a crawl asks for every page of a site, each URL new, so not even the
    # URL split is repeated.
    end = url.find("/", url.find("//") + 2)
    return _profile_for_origin(url if end < 0 else url[:end], directory)  # type: ignore[arg-type]  # Traversables are hashable; typeshed's Protocol is not Hashable


@lru_cache(maxsize=4096)
def _profile_for_origin(origin: str, directory: DataPath) -> Profile | None:
    """:func:`find_profile` of the URLs that start with ``origin``."""
    host = (urlsplit(origin).hostname or "").lower()
    best: Profile | None = None
    best_len = -1
    for profile in load_profiles(directory):  # type: ignore[arg-type]  # Traversables are hashable; typeshed's Protocol is not Hashable
        for d in profile.domains:
            if (host == d or host.endswith("." + d)) and len(d) > best_len:
                best, best_len = profile, len(d)
    return best
