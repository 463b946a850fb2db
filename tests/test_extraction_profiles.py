"""Site profiles: loading, lookup by domain, overriding the generic rules, errors."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawl.extraction import Profile, ProfileError, extract, find_profile, load_profile
from newscrawl.extraction.profiles import PROFILE_DIR, load_profiles

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
PROFILES = FIXTURES / "profiles"


def test_load_profile_compiles_selectors():
    profile = load_profile(PROFILES / "harbor.toml")
    assert isinstance(profile, Profile)
    assert profile.name == "Daily Harbor"
    assert profile.domains == ["dailyharbor.example"]
    assert len(profile.body) == 1 and len(profile.paragraph) == 2
    assert profile.matches("https://www.dailyharbor.example/news/x")
    assert not profile.matches("https://notdailyharbor.example/x")


def test_profile_overrides_generic_rules():
    html = (FIXTURES / "graph_article.html").read_bytes()
    url = "https://dailyharbor.example/news/harbour-reopens"
    generic = extract(html, url)
    profiled = extract(html, url, profile=load_profile(PROFILES / "harbor.toml"))
    # the newsletter box is excluded and only p/h2 count; the list and quote are not
    # paragraphs of the profile, so they go too
    assert [b.text for b in profiled.blocks] == [
        "The town's harbour reopened on Monday, three days after the storm.",
        "The harbour opened its gates at six o'clock on Monday morning, and the first fishing "
        "boats left soon after.",
        "Engineers had worked through the weekend to clear the debris that the storm left "
        "behind in the channel.",
        "Damage to the pier",
        "The old pier lost two of its lamp posts and a section of its rail, the council said "
        "in a statement.",
        "We are open for business again, and we are grateful to everyone who helped.",
        "Traffic on the coast road returned to normal by the afternoon, police said.",
    ]
    assert profiled.authors == ["Jane Doe"]  # the profile's author selector wins
    assert profiled.published == "2024-05-03T15:47:42+02:00"
    assert generic.authors == ["Jane Doe", "John Smith"]  # profile=None: generic rules only
    assert len(generic.blocks) == 10


def test_broken_toml_names_file_and_line():
    with pytest.raises(ProfileError) as info:
        load_profile(PROFILES / "broken.toml")
    message = str(info.value)
    assert str(PROFILES / "broken.toml") in message
    assert "line 3" in message


def test_unknown_key_names_file_and_line():
    with pytest.raises(ProfileError) as info:
        load_profile(PROFILES / "unknown_key.toml")
    message = str(info.value)
    assert message.startswith(f"{PROFILES / 'unknown_key.toml'}, line 4: bodyy: unknown key")


def test_bad_selector_and_bad_domains(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('domains = ["a.example"]\n\nbody = "div[["\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml, line 3: body: invalid CSS selector"):
        load_profile(bad)
    bad.write_text('name = "x"\ndomains = []\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml, line 2: domains: must be a non-empty"):
        load_profile(bad)


def test_find_profile_by_domain():
    profile = find_profile("https://www.independent.co.uk/news/world/some-story-b1.html")
    assert profile is not None and profile.name == "The Independent"
    assert find_profile("https://example.org/news") is None
    found = find_profile("https://news.dailyharbor.example/a", directory=PROFILES / "ok")
    assert found is None  # a directory that does not exist holds no profiles


@pytest.mark.parametrize("url", [
    "https://www.independent.co.uk/news/a.html", "https://WWW.Independent.CO.UK:443/x",
    "https://user:pw@www.independent.co.uk/x", "https://www.independent.co.uk?x=/y",
    "https://www.independent.co.uk#/frag", "https://www.independent.co.uk",
    "https://independent.co.uk.evil.example/x", "https://evil.example/www.independent.co.uk/",
    "https://evil.example?u=https://www.independent.co.uk/", "//www.independent.co.uk/x",
    "www.independent.co.uk/x", "mailto:desk@independent.co.uk", "", "https://[::1]:8080/x",
])
def test_find_profile_by_the_url_start_matches_the_hosts_profile(url):
    host = (urlsplit(url).hostname or "").lower()
    by_host = [p for p in load_profiles(PROFILE_DIR)
               if any(host == d or host.endswith("." + d) for d in p.domains)]
    assert find_profile(url) == (by_host[0] if by_host else None)


def test_bundled_profiles_all_load():
    profiles = load_profiles(PROFILE_DIR)
    assert [p.name for p in profiles] == ["The Independent"]


def test_a_quoted_key_is_found_on_its_line(tmp_path):
    """TOML allows ``"body" = …``: the error named line 1 (the profile's own line finder
    knew bare keys only; the sites file's knew quotes; one finder now, datafiles.line_of)."""
    bad = tmp_path / "bad.toml"
    bad.write_text('domains = ["a.example"]\n\n"body" = 3\n', encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(bad)
    assert str(info.value) == f"{bad}, line 3: body: must be a CSS selector or a list of CSS selectors"
