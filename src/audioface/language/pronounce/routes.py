"""The one place that decides how a language is pronounced: its route.

English keeps the CMU dictionary and the neural G2P; Mandarin goes through jieba and pypinyin;
Japanese through kana (and pyopenjtalk for kanji, where the ``ja`` extra is installed); every
other language the bundled espeak-ng data has goes through espeak-ng. A code is read as BCP-47,
case-insensitively (``pt-BR``, ``zh-CN``, ``en-US``, ``pt_br``), and falls back one subtag at a
time (``de-CH-1901`` -> ``de-ch`` -> ``de``); an unknown one is an AudioFaceError naming it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from audioface.errors import AudioFaceError

AUTO_LANGUAGE = "auto"
ENGLISH, MANDARIN, JAPANESE, ESPEAK = "cmudict+g2p", "pinyin", "kana/openjtalk", "espeak-ng"


@dataclass(frozen=True)
class Route:
    """How one language's words become phones: ``pronunciations`` is one of ENGLISH, MANDARIN,
    JAPANESE, ESPEAK; ``voice`` is the espeak-ng voice for the language (what synthetic speech
    in it uses, and what reads its words on the espeak-ng route)."""

    code: str
    name: str
    pronunciations: str
    voice: str


_OWN = {
    "en": Route("en", "English", ENGLISH, "en-US"),
    "zh": Route("zh", "Chinese (Mandarin)", MANDARIN, "cmn"),
    "ja": Route("ja", "Japanese", JAPANESE, "ja"),
}
# codes that mean one of our own routes, whatever espeak-ng's files say
_OWN_ALIASES = {"en": "en", "eng": "en", "zh": "zh", "zho": "zh", "chi": "zh", "cmn": "zh", "zh-cmn": "zh",
                "zh-hans": "zh", "zh-hant": "zh", "zh-cn": "zh", "zh-tw": "zh", "zh-sg": "zh",
                "ja": "ja", "jpn": "ja", "ja-jp": "ja"}  # fmt: skip


@lru_cache(maxsize=1)
def _espeak_routes() -> tuple[dict[str, Route], dict[str, str]]:
    """Every bundled espeak-ng voice as a route (keyed by its identifier), and every code a
    voice answers to -> the identifier of the voice that answers best."""
    from audioface.language.pronounce import espeak

    routes, best = {}, {}
    for voice in espeak.voices():
        routes[voice.identifier] = Route(voice.identifier, voice.name, ESPEAK, voice.identifier)
        for code, priority in ((voice.identifier.lower(), 0), *voice.languages):
            if code not in best or priority < best[code][0]:
                best[code] = (priority, voice.identifier)
    return routes, {code: ident for code, (_, ident) in best.items()}


class _Languages(Mapping[str, Route]):
    """Every supported language, code -> Route: ours first, then each espeak-ng voice not
    already served by ours. Filled on first use, so importing the package reads no files."""

    def _all(self) -> dict[str, Route]:
        return _all_routes()

    def __getitem__(self, code: str) -> Route:
        return self._all()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@lru_cache(maxsize=1)
def _all_routes() -> dict[str, Route]:
    routes = dict(_OWN)
    for ident, r in sorted(_espeak_routes()[0].items(), key=lambda item: item[0].lower()):
        if _OWN_ALIASES.get(ident.lower().split("-")[0]) not in _OWN:
            routes[ident] = r
    return routes


LANGUAGES: Mapping[str, Route] = _Languages()


def _candidates(tag: str) -> Iterator[str]:
    """'pt-br-x-foo' -> 'pt-br-x-foo', 'pt-br-x', 'pt-br', 'pt'."""
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        yield "-".join(parts[:end])


def route(code: str) -> Route:
    """A language code (BCP-47, any case, "-" or "_") -> its route; AudioFaceError if unknown."""
    tag = str(code).strip().replace("_", "-").lower()
    if tag in ("yue", "zh-yue", "zh-hak", "hak"):  # Cantonese and Hakka are espeak-ng's, not pinyin
        tag = tag.removeprefix("zh-")
    elif tag.split("-")[0] in _OWN_ALIASES or tag in _OWN_ALIASES:
        own = _OWN_ALIASES.get(tag) or _OWN_ALIASES[tag.split("-")[0]]
        return _OWN[own]
    routes, best = _espeak_routes()
    for candidate in _candidates(tag):
        if candidate in best:
            return routes[best[candidate]]
    raise AudioFaceError(
        f"unknown language {code!r}: give a code such as 'fr', 'zh' or 'pt-BR' "
        "('audioface languages' lists them)",
        setting="language",
    )


def has_route(code: str) -> bool:
    """Whether a language code has a route (a recogniser's or a text model's guess may not)."""
    try:
        route(code)
    except AudioFaceError:
        return False
    return True


def check_language(code: str) -> str:
    """A user's language setting -> its canonical code (``"auto"`` stays ``"auto"``), checked
    now so a wrong code fails before any audio is read."""
    if str(code).strip().lower() == AUTO_LANGUAGE:
        return AUTO_LANGUAGE
    return route(code).code
