"""Author strings → person names.

Bylines and metadata mix names with prefixes ("By", "Von", "Par"…), roles
("Political Correspondent"), dates, e-mail addresses, URLs, agency credits
and several names in one string. :func:`split_names` keeps only the names.
"""

from __future__ import annotations

import re

from .text import normalize_text, unescape_text

#: Leading byline words in the languages we meet (matched case-insensitively).
_PREFIX = re.compile(
    r"^(?:(?:written|reported|text|texte|report|story|words|photos?|interview|analysis|"
    r"ein\s+(?:kommentar|gastbeitrag|interview)|kommentar|gastbeitrag|analyse)\s+)?"
    r"(?:by|from|von|vom|par|por|per|door|av|af|przez|od|ved|tekst|text|texte|autor|autorin|"
    r"author|authors|autoren|auteur|redaktion|reporter|escrito\s+por|publicado\s+por|"
    r"posted\s+by|written\s+by|a\s+cura\s+di|geschreven\s+door|stand|verfasst\s+von)"
    # "Per-Erik" is a name, not Italian "per" + a dash: a dash counts only after a space.
    r"(?:\s*[:|]\s*|\s+[\-–]\s*|\s+)", re.IGNORECASE)
#: Name separators. The one-letter conjunctions (a, e, i, u, y) count only in lower case
#: and not before a full stop, so initials ("Miguel A. Herguedas") stay in the name.
_SPLIT = re.compile(
    r"\s*(?:,|;|\||/|&|\+|·|•|\band\b|\bund\b|\bet\b|(?-i:\b[yeiau]\b)(?!\.)|\bog\b|\boch\b|"
    r"\ben\b|\boraz\b|\bsowie\b|\bwith\b|\bmit\b|\bavec\b|\bcon\b|\bve\b|・|、|，)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
_PAREN = re.compile(r"\s*[(\[].*?[)\]]\s*")
_TWITTER = re.compile(r"@\w+")

#: Words that mark a role, a credit or a non-person; a name containing one is dropped.
_ROLE_WORDS = frozenset(["correspondent", "editor", "editors", "reporter", "reporters", "writer", "writers", "staff", "contributor", "contributors", "columnist", "journalist", "journalists", "redakteur", "redakteurin", "redaktion", "korrespondent", "korrespondentin", "autor", "autorin", "autoren", "chefredakteur", "chefreporter", "reporterin", "producer", "photographer", "photography", "photos", "photo", "fotos", "foto", "bild", "bilder", "video", "updated", "update", "published", "aktualisiert", "veröffentlicht", "am", "um", "uhr", "min", "read", "minutes", "minute", "lesezeit", "leitung", "ressortleiter", "ressort", "leiter", "leiterin", "political", "politics", "senior", "chief", "deputy", "associate", "assistant", "managing", "executive", "news", "desk", "team", "newsroom", "agency", "agencies", "agentur", "agenturen", "wire", "wires", "press", "presse", "service", "services", "online", "digital", "correspondant", "rédaction", "redacción", "redaccion", "redazione", "rédacteur", "periodista", "reportera", "enviado", "enviada", "especial", "special", "sports", "business", "culture", "science", "health", "technology", "opinion", "guest", "contributing", "international", "national", "foreign", "economics", "economy", "affairs", "fellow", "professor", "analyst", "analysis", "lecturer", "researcher", "director", "president", "ceo", "founder", "head", "member", "spokesperson"])
#: Agencies and desks that appear as authors; reported as organisations.
_AGENCIES = frozenset(["dpa", "afp", "ap", "reuters", "apa", "sda", "kna", "epd", "ddp", "ansa", "efe", "upi", "pa", "aap", "cp", "bloomberg", "xinhua", "tass", "kyodo", "yonhap", "anp", "belga", "ats", "keystone-sda", "kap", "ktt", "ntb", "tt", "ritzau", "stt", "lusa", "europa", "dts", "sid", "rtr", "ips"])
#: Job titles written after the name in Korean, Japanese and Chinese bylines ("신현주 기자").
_CJK_ROLE = re.compile(r"\s*(?:기자|특파원|선임기자|논설위원|記者|记者|特派員|特派员|編集委員|通讯员)$")
_NAME_OK = re.compile(r"^[^\W\d_]", re.UNICODE)


#: Agencies credited by their full name (compared lower-cased, without a leading "the").
AGENCY_NAMES = frozenset("""
associated press|agence france-presse|agence france presse|deutsche presse-agentur|
evangelischer pressedienst|katholische nachrichten-agentur|austria presse agentur|
schweizerische depeschenagentur|press association|australian associated press|
canadian press|united press international|agenzia nazionale stampa associata|
agencia efe|europa press|anadolu ajansı|anadolu agency|kyodo news|yonhap news agency|
xinhua news agency|bloomberg news|reuters staff|dpa-afx|apa-ots""".replace("\n", "").split("|"))
_AGENCY_TOKENS = re.compile(r"[\s/,-]+")


def is_agency(name: str) -> bool:
    """True for a news agency's name or abbreviation ("dpa", "The Associated Press")."""
    low = name.lower().replace(".", "").strip()
    if low.removeprefix("the ") in AGENCY_NAMES:
        return True
    return low in _AGENCIES or all(t in _AGENCIES for t in _AGENCY_TOKENS.split(low) if t)


def split_names(raw: str | None, byline: bool = False) -> tuple[list[str], list[str]]:
    """(person names, organisations) in a byline or author metadata string.

    >>> split_names("By Jane Doe and John Smith, Political Correspondent")
    (['Jane Doe', 'John Smith'], [])
    >>> split_names("Von Anna Müller, dpa")
    (['Anna Müller'], ['dpa'])

    With ``byline=True`` (text read from the page, not metadata) a one-word
    part after a comma is taken for a place or desk ("Von Anna Müller,
    Frankfurt") and dropped.
    """
    text = unescape_text(raw)
    if not text or len(text) > 300:
        return [], []
    text = _PAREN.sub(" ", text)  # before URLs: "Site (www.site.com)" keeps no stray "("
    text = _URL.sub(" ", _EMAIL.sub(" ", text))
    text = _TWITTER.sub(" ", text)
    people: list[str] = []
    orgs: list[str] = []
    for _ in range(2):
        text = _PREFIX.sub("", text.strip(" :-–—|,"))
    for i, part in enumerate(_SPLIT.split(text)):
        part = _PREFIX.sub("", part.strip(" .:-–—|,*\"'“”")).strip(" .:-–—|,*")
        part = _CJK_ROLE.sub("", normalize_text(part))
        if not part:
            continue
        if byline and i and " " not in part and not is_agency(part):
            continue
        if is_agency(part):
            if part not in orgs:
                orgs.append(part)
            continue
        if not looks_like_name(part):
            continue
        if part not in people:
            people.append(part)
    return people, orgs


def looks_like_name(text: str) -> bool:
    """True for a short string that could be a person's name (no role words, no digits)."""
    if not text or len(text) > 60 or _DIGITS.search(text) or not _NAME_OK.match(text):
        return False
    words = text.split()
    if len(words) > 6:
        return False
    low = {w.lower().strip(".,:") for w in words}
    if low & _ROLE_WORDS:
        return False
    # A single lower-case word is a stray token, not a name (CJK names have no case).
    if text.islower() and text.isascii():
        return False
    return True


def clean_person(name: str | None) -> list[str]:
    """The person name(s) in a JSON-LD Person's ``name``, prefixes and roles removed."""
    return split_names(name)[0]
