"""The phone inventory: features of known segments, the nearest ARPAbet phone by features, the
metrics' classes as metrics.md ("In other languages") lists them, and X-SAMPA. Every expected
value is typed from the IPA chart, not produced by the code."""

import pytest

from audioface import ipa
from audioface.errors import AudioFaceError
from audioface.phones import PHONES


def one(text: str) -> ipa.Segment:
    found = ipa.segments(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "symbol, place, manner, voiced",
    [("p", "bilabial", "stop", False), ("b", "bilabial", "stop", True), ("m", "bilabial", "nasal", True),
     ("f", "labiodental", "fricative", False), ("ɱ", "labiodental", "nasal", True),
     ("ʁ", "uvular", "fricative", True), ("ɾ", "alveolar", "tap", True), ("ɲ", "palatal", "nasal", True),
     ("ʂ", "retroflex", "fricative", False), ("ɕ", "alveolopalatal", "fricative", False),
     ("ʔ", "glottal", "stop", False), ("ɓ", "bilabial", "implosive", True),
     ("w", "labial-velar", "approximant", True), ("ɥ", "labial-palatal", "approximant", True),
     ("ʎ", "palatal", "lateral", True), ("g", "velar", "stop", True)],
)  # fmt: skip
def test_consonant_features(symbol, place, manner, voiced):
    seg = one(symbol)
    assert (seg.place, seg.manner, seg.voiced) == (place, manner, voiced)
    assert not seg.is_vowel


@pytest.mark.parametrize(
    "symbol, height, backness, rounded",
    [("y", "close", "front", True), ("i", "close", "front", False), ("u", "close", "back", True),
     ("ɯ", "close", "back", False), ("ø", "close-mid", "front", True), ("œ", "open-mid", "front", True),
     ("ɐ", "near-open", "central", False), ("ɑ", "open", "back", False), ("ə", "mid", "central", False),
     ("ɔ", "open-mid", "back", True), ("ɵ", "close-mid", "central", True)],
)  # fmt: skip
def test_vowel_features(symbol, height, backness, rounded):
    seg = one(symbol)
    assert seg.is_vowel and (seg.height, seg.backness, seg.rounded) == (height, backness, rounded)


def test_diacritics_length_nasal_and_devoicing():
    assert one("pʰ").diacritics == {"aspirated"} and one("pʰ").place == "bilabial"
    assert "labialised" in one("kʷ").diacritics and "palatalised" in one("rʲ").diacritics
    assert one("ɔ̃").nasal and one("ɔ̃").rounded  # French on
    assert one("aː").long and not one("a").long
    assert not one("i̥").voiced  # a devoiced vowel
    assert one("ä").backness == "central"  # centralised a
    assert one("o̞").height == "mid"  # Japanese o, lowered
    assert "syllabic" in one("n̩").diacritics
    assert one("ɚ").diacritics == {"rhotic"}  # espeak-ng's r-coloured schwa


def test_ties_make_one_segment():
    ch = one("t͡ʃ")
    assert (ch.manner, ch.place, ch.voiced) == ("affricate", "postalveolar", False)
    assert one("ʦ").symbol == "t͡s"  # the ligature is the tied pair
    assert one("k͡p").place == "labial-velar"
    ai = one("a͡ɪ")
    assert ai.is_vowel and ai.height == "open" and ai.offglide.symbol == "ɪ"
    assert [s.symbol for s in ipa.segments("ts")] == ["t", "s"]  # untied: two sounds


def test_stress_goes_to_the_next_vowel_and_breaks_drop():
    segs = ipa.segments("bɔ̃ʒˈuʁ")  # espeak-ng's French "bonjour"
    assert [s.symbol for s in segs] == ["b", "ɔ̃", "ʒ", "u", "ʁ"]
    assert [s.stress for s in segs if s.is_vowel] == [0, 1]
    assert [s.stress for s in ipa.segments("ˌa.ˈba")] == [2, None, 1]
    assert ipa.segments("ma")[1].stress is None  # no marks at all: unknown


def test_tones_are_kept_aside():
    segs = ipa.segments("ni2χˈɑ͡u2")  # espeak-ng's Mandarin, tone digits after the syllable
    assert [s.symbol for s in segs] == ["n", "i", "χ", "ɑ͡u"]
    assert segs[1].tone == "2" and segs[3].tone == "2"
    assert [s.symbol for s in ipa.segments("ma˨˩˦")] == ["m", "a"]


def test_unknown_symbol_is_an_error_unless_lenient():
    with pytest.raises(AudioFaceError):
        ipa.segments("a☃")
    assert [s.symbol for s in ipa.segments("a☃", strict=False)] == ["a"]


@pytest.mark.parametrize(
    "text, phone",
    [("p", "P"), ("b", "B"), ("m", "M"), ("pʰ", "P"), ("ɓ", "B"), ("ɸ", "P"), ("β", "B"), ("k͡p", "P"),
     ("f", "F"), ("v", "V"), ("ɱ", "V"), ("ʋ", "V"),
     ("θ", "TH"), ("ʃ", "SH"), ("ɕ", "SH"), ("ʂ", "SH"), ("t͡ʃ", "CH"), ("d͡ʒ", "JH"), ("t͡ɕ", "CH"),
     ("ŋ", "NG"), ("ɲ", "N"), ("x", "HH"), ("h", "HH"), ("j", "Y"), ("w", "W"), ("ɥ", "W"), ("l", "L"),
     ("ʎ", "L"), ("ɹ", "R"), ("ʁ", "R"), ("r", "R"), ("ɾ", "D"), ("c", "K"), ("q", "K")],
)  # fmt: skip
def test_consonants_land_on_the_nearest_arpabet(text, phone):
    assert ipa.to_arpabet(one(text)) == phone


@pytest.mark.parametrize(
    "text, phone",
    [("y", "UW"), ("ʏ", "UH"), ("ø", "OW"), ("œ", "AO"), ("u", "UW"), ("o", "OW"), ("ɔ", "AO"), ("ʉ", "UW"),
     ("a", "AA"), ("ɑ", "AA"), ("æ", "AE"), ("ä", "AA"), ("ɛ", "EH"), ("ɐ", "AH"), ("ʌ", "AH"), ("ə", "AH"),
     ("i", "IY"), ("ɪ", "IH"), ("e", "EY"), ("ɯ", "IH"), ("ɝ", "ER"),
     ("a͡ɪ", "AY"), ("a͡ʊ", "AW"), ("ɔ͡ɪ", "OY"), ("e͡ɪ", "EY"), ("o͡ʊ", "OW")],
)  # fmt: skip
def test_vowels_keep_rounding_and_openness(text, phone):
    assert ipa.to_arpabet(one(text)) == phone + "1"  # no stress marked: read as stressed


def test_vowel_stress_digits():
    assert [ipa.to_arpabet(s) for s in ipa.segments("ˈaba")] == ["AA1", "B", "AA0"]
    assert ipa.to_arpabet(ipa.segments("ˌo")[0]) == "OW2"


def test_every_segment_maps_into_the_phone_set():
    every = "".join(ipa._VOWELS) + "".join(ipa._CONSONANTS)
    for seg in ipa.segments(every):
        for phone in ipa.to_arpabet_phones(seg):
            assert phone.rstrip("012") in PHONES, (seg.symbol, phone)


def test_two_phones_where_english_has_no_one():
    assert ipa.to_arpabet_phones(one("t͡s")) == ("T", "S")
    assert ipa.to_arpabet_phones(one("p͡f")) == ("P", "F")
    assert ipa.to_arpabet_phones(one("t͡ʃ")) == ("CH",)


def test_arpabet_carries_ipa():
    assert ipa.ARPABET_IPA["SH"] == "ʃ" and ipa.ARPABET_IPA["AY"] == "a͡ɪ" and ipa.ARPABET_IPA["R"] == "ɹ"
    assert ipa.arpabet_ipa("AH0") == "ə" and ipa.arpabet_ipa("AH1") == "ʌ" and ipa.arpabet_ipa("K") == "k"
    assert set(ipa.ARPABET_IPA) == PHONES - {"sil"}
    for phone, symbol in ipa.ARPABET_IPA.items():  # and the IPA maps back onto the same phone
        assert ipa.to_arpabet(one(symbol)).rstrip("1") == phone, phone


@pytest.mark.parametrize(
    "text, cls",
    [("p", "closure"), ("b", "closure"), ("m", "closure"), ("pʰ", "closure"), ("pʼ", "closure"),
     ("ɓ", "closure"), ("m̥", "closure"), ("bʲ", "closure"), ("pʷ", "closure"), ("k͡p", "closure"),
     ("ɡ͡b", "closure"), ("ŋ͡m", "closure"),
     ("f", "labiodental"), ("v", "labiodental"), ("ɱ", "labiodental"),
     ("u", "rounding"), ("y", "rounding"), ("ʉ", "rounding"), ("ʊ", "rounding"), ("ʏ", "rounding"),
     ("o", "rounding"), ("ø", "rounding"), ("ɵ", "rounding"), ("uː", "rounding"), ("õ", "rounding"),
     ("w", "rounding"), ("ʍ", "rounding"), ("ɥ", "rounding"),
     ("a", "open"), ("ɑ", "open"), ("ä", "open"), ("æ", "open"), ("ɛ", "open"), ("ɔ", "open"), ("ɒ", "open"),
     ("œ", "open"), ("ɞ", "open"), ("ʌ", "open"), ("ɐ", "open"), ("ɔ̃", "open"),
     ("ə", None), ("ɘ", None), ("i", None), ("e", None), ("ɪ", None), ("ɨ", None), ("ɯ", None), ("ɤ", None),
     ("ɸ", None), ("β", None), ("ʋ", None), ("kʷ", None), ("t", None), ("s", None), ("i̥", None), ("u̥", None)],
)  # fmt: skip
def test_metric_classes(text, cls):
    assert ipa.metric_class(one(text)) == cls


def test_unstressed_wedge_is_not_open_where_stress_is_known():
    first, second = [s for s in ipa.segments("ˈʌbʌ") if s.is_vowel]
    assert ipa.metric_class(first) == "open" and ipa.metric_class(second) is None


@pytest.mark.parametrize(
    "xsampa, expected",
    [('"bOn.Zu:R', "ˈbɔn.ʒuːʁ"), ("t_hEst", "tʰɛst"), ("k_wa", "kʷa"), ("t_S", "t͡ʃ"), ("r\\", "ɹ"),
     ("E~", "ɛ̃"), ("{", "æ"), ("p_>", "pʼ"), ("@", "ə"), ("2 9 y", "ø œ y"), ("n=", "n̩"), ("s`", "ʂ"),
     ("J\\", "ɟ"), ("4", "ɾ"), ("%a", "ˌa"), ("i_0", "i̥")],
)  # fmt: skip
def test_xsampa(xsampa, expected):
    assert ipa.from_xsampa(xsampa) == expected
