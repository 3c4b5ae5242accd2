"""Pronunciations in other languages: routes, BCP-47 codes, script detection, espeak-ng words,
Mandarin pinyin, Japanese kana, and English unchanged. Expected IPA is typed from dictionaries
and phonetics (espeak-ng's own conventions noted where they differ from a textbook's)."""

import pytest

from audioface.errors import AudioFaceError
from audioface.language.pronounce import (
    AUTO_LANGUAGE,
    LANGUAGES,
    check_language,
    detect_script,
    japanese,
    lexicon,
    mandarin,
    pronounce,
    route,
    text,
    to_ipa,
)


@pytest.mark.parametrize(
    "code, canonical, kind",
    [("en", "en", "cmudict+g2p"), ("en-US", "en", "cmudict+g2p"), ("EN_gb", "en", "cmudict+g2p"),
     ("zh", "zh", "pinyin"), ("zh-CN", "zh", "pinyin"), ("zh-Hans-CN", "zh", "pinyin"),
     ("cmn", "zh", "pinyin"),
     ("ja", "ja", "kana/openjtalk"), ("JA-jp", "ja", "kana/openjtalk"),
     ("fr", "fr", "espeak-ng"), ("FR-fr", "fr", "espeak-ng"), ("es", "es", "espeak-ng"),
     ("pt-BR", "pt-BR", "espeak-ng"), ("pt-br", "pt-BR", "espeak-ng"), ("pt_BR", "pt-BR", "espeak-ng"),
     ("de-CH-1901", "de", "espeak-ng"), ("ko", "ko", "espeak-ng"), ("yue", "yue", "espeak-ng")],
)  # fmt: skip
def test_routes_and_codes(code, canonical, kind):
    r = route(code)
    assert (r.code, r.pronunciations) == (canonical, kind)
    assert check_language(code) == canonical


def test_unknown_language_names_the_code():
    with pytest.raises(AudioFaceError) as err:
        route("xx-klingon")
    assert "xx-klingon" in str(err.value) and err.value.setting == "language"
    assert check_language("Auto") == AUTO_LANGUAGE


def test_every_bundled_language_is_listed():
    wanted = {"en", "zh", "ja", "fr", "es", "de", "pt", "pt-BR", "it", "ko", "ru", "sv", "ta", "ar"}
    assert wanted <= set(LANGUAGES)
    assert len(LANGUAGES) > 100  # espeak-ng's data has 100+ voices
    assert all(LANGUAGES[c].pronunciations == "espeak-ng" for c in ("fr", "ko", "ta"))


@pytest.mark.parametrize(
    "sample, code",
    [("你好，世界", "zh"), ("今日は良い天気です", "ja"), ("こんにちは", "ja"), ("안녕하세요", "ko"),
     ("Привет, мир", "ru"), ("مرحبا", "ar"), ("Καλημέρα", "el"), ("שלום", "he"), ("नमस्ते", "hi"),
     ("สวัสดี", "th"), ("Bonjour à tous", None), ("Hello", None), ("123 !", None)],
)  # fmt: skip
def test_detect_script(sample, code):
    assert detect_script(sample) == code


@pytest.mark.parametrize(
    "word, language, expected",
    [("bonjour", "fr", "bɔ̃ʒˈuʁ"),  # espeak-ng stresses the last syllable
     ("merci", "fr", "mɛʁsˈi"),
     ("perro", "es", "pˈero"),  # the trill
     ("pero", "es", "pˈeɾo"),  # the tap
     ("Bücher", "de", "bˈyːçɜ"),  # espeak-ng writes the vocalised -er as ɜ
     ("ciao", "it", "t͡ʃˈao")],
)  # fmt: skip
def test_espeak_words(word, language, expected):
    assert to_ipa(word, language) == expected


def test_espeak_phones_by_features():
    (bonjour,) = pronounce("bonjour", "fr")
    assert [p.arpabet for p in bonjour] == ["B", "AO0", "ZH", "UW1", "R"]
    assert [p.ipa for p in bonjour] == ["b", "ɔ̃", "ʒ", "u", "ʁ"]
    (zeit,) = pronounce("Zeit", "de")  # t͡s: two ARPAbet phones, each with its part
    assert [p.arpabet for p in zeit] == ["T", "S", "AY1", "T"]
    assert [p.ipa for p in zeit][:2] == ["t", "s"]


def test_mandarin_syllables():
    hello = mandarin.syllables("你好")
    assert [s.pinyin for s in hello] == ["ni3", "hao3"]
    assert [s.ipa for s in hello] == ["ni", "xa͡ʊ"]
    assert [s.pinyin for s in mandarin.syllables("银行")] == ["yin2", "hang2"]  # the phrase, not xing2
    assert [s.pinyin for s in mandarin.syllables("一点儿")] == ["yi4", "dianr3"]  # erhua
    assert mandarin.syllables("一点儿")[1].ipa.endswith("ɻ")
    assert [s.pinyin for s in mandarin.syllables("女儿")] == ["nv3", "er2"]  # 儿 its own syllable
    assert mandarin.syllable_ipa("zh", "i") == "ʈ͡ʂʅ" and mandarin.syllable_ipa("q", "v") == "t͡ɕʰy"
    assert mandarin.syllable_ipa("x", "ve") == "ɕɥɛ" and mandarin.syllable_ipa("c", "i") == "t͡sʰɿ"


def test_mandarin_pronunciation_and_neutral_tone():
    (hello,) = pronounce("你好", "zh")
    assert [p.arpabet for p in hello] == ["N", "IY1", "HH", "AW1"]
    (women,) = pronounce("我们", "zh")  # men5: the neutral tone is unstressed
    assert [p.arpabet for p in women] == ["W", "OW1", "M", "AH0", "N"]


@pytest.mark.parametrize(
    "kana, expected",
    [("こんにちは", "koɲɲit͡ɕiwa"), ("ありがとう", "aɾiɡatoː"), ("がっこう", "ɡakkoː"), ("さんぽ", "sampo"),
     ("きょう", "kʲoː"), ("コーヒー", "koːçiː"), ("ふじさん", "ɸɯd͡ʑisaɴ"), ("しゃしん", "ɕaɕiɴ"),
     ("つくえ", "t͡sɯkɯe")],
)  # fmt: skip
def test_japanese_kana(kana, expected):
    assert japanese.to_ipa(kana) == expected


def test_japanese_kanji_needs_openjtalk():
    try:
        import pyopenjtalk  # noqa: F401
    except ImportError:
        with pytest.raises(AudioFaceError, match="pyopenjtalk"):
            japanese.to_ipa("東京")
    else:
        assert japanese.to_ipa("東京") == "toːkʲoː"


def test_japanese_u_is_unrounded():
    (word,) = pronounce("すし", "ja")
    assert [p.ipa for p in word] == ["s", "ɯ", "ɕ", "i"]
    assert [p.arpabet for p in word] == ["S", "IH1", "SH", "IY1"]


@pytest.mark.parametrize("word", ["hello", "read", "peter's", "zyxquv"])
def test_english_is_unchanged(word):
    found = pronounce(word, "en-US")
    assert [tuple(p.arpabet for p in pron) for pron in found] == lexicon.pronunciations(word)
    assert all(p.ipa for pron in found for p in pron)


def test_english_phones_carry_ipa():
    assert [p.ipa for p in pronounce("shoe", "en")[0]] == ["ʃ", "u"]


def test_words_per_language():
    assert text.words("我去银行。", "zh") == ["我", "去", "银行"]
    assert text.words("Meine Lieblingszahl ist 268", "de")[-1] == "zweihundertachtundsechzig"
    assert text.words("L'homme est là, n'est-ce pas?", "fr") == ["l'homme", "est", "là", "n'est-ce", "pas"]
    assert text.words("8月12日", "zh") == ["八", "月", "十二", "日"]
    assert text.words("こんにちは、世界。", "ja") == ["こんにちは", "世界"]
    assert text.spell_number("21", "pt-BR") == "vinte e um"
