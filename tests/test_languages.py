"""--language: every command takes it, one place routes it, and each phone keeps its IPA."""

import json

import numpy as np
import pytest
from conftest import EXAMPLES, SHARED
from test_cli import run_cli

from audioface import animate

MULTI = SHARED / "multilingual-speech"
NO_DATA = "../shared/data/multilingual-speech is not beside the checkout"


def manifest_rows(language: str) -> list[dict]:
    import csv

    with open(MULTI / "manifest.tsv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["lang"] == language]


def test_languages_lists_every_route():
    res = run_cli("languages")
    assert res.returncode == 0, res.stderr
    rows = {line.split()[0]: line for line in res.stdout.splitlines()[1:]}
    assert "cmudict+g2p" in rows["en"] and "pinyin" in rows["zh"] and "kana/openjtalk" in rows["ja"]
    for code in ("fr", "es", "de", "pt-BR", "it", "ru", "ko", "ar", "hi", "sv", "pl", "tr"):
        assert "espeak-ng" in rows[code], code
    assert len(rows) >= 100
    listed = json.loads(run_cli("languages", "--json").stdout)
    assert {r["code"] for r in listed} == set(rows)


def test_an_unknown_language_is_one_line_naming_the_flag(tmp_path):
    res = run_cli("animate", EXAMPLES / "hello.wav", "--text", "Hello.", "--language", "klingonese",
                  "-o", tmp_path / "x.csv")  # fmt: skip
    assert res.returncode == 2 and not (tmp_path / "x.csv").exists()
    assert res.stderr.strip().count("\n") == 0 and "klingonese" in res.stderr and "--language" in res.stderr


@pytest.mark.skipif(not MULTI.is_dir(), reason=NO_DATA)
def test_a_french_transcript_is_read_in_french_given_or_heard():
    row = next(r for r in manifest_rows("fr") if r["text"] == "allume les lumières en bleu")
    for language in ("fr", "auto"):  # auto: Latin script that is not English, so Whisper hears French
        anim = animate(MULTI / row["audio"], row["text"], language=language, jobs=1)
        words = {w.word: w for w in anim.track.words}
        lumieres = words["lumières"].phones
        assert [p.ipa for p in lumieres] == ["l", "y", "m", "j", "ɛ", "ʁ"], language
        assert lumieres[1].phone == "UW"  # y: a rounded vowel to the models, rounded on the face
        assert [p.ipa for p in words["bleu"].phones] == ["b", "l", "ø"]


@pytest.mark.skipif(not MULTI.is_dir(), reason=NO_DATA)
def test_a_chinese_transcript_is_found_by_its_script(tmp_path):
    row = manifest_rows("zh")[0]
    out = tmp_path / "zh.json"
    res = run_cli("animate", MULTI / row["audio"], "--text", row["text"], "-o", out, "-q")
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text())
    assert doc["source"] == "transcript" and all(w["origin"] != "estimated" for w in doc["words"])
    phones = [p for w in doc["words"] for p in w["phones"]]
    assert phones and all(p["ipa"] for p in phones)
    assert {"ʂ", "ʈ͡ʂ", "ɕ", "t͡ɕ", "y", "ɤ", "ʐ"} & {p["ipa"] for p in phones}  # Mandarin's own sounds


def test_a_manifest_names_each_rows_language(tmp_path):
    wav = EXAMPLES / "hello.wav"
    (tmp_path / "m.csv").write_text(f"audio,text,name,language,format\n{wav},Bonjour.,fr,fr,json\n"
                                    f"{wav},Hello.,en,,json\n")  # fmt: skip
    res = run_cli("batch", tmp_path / "m.csv", "--out", tmp_path / "out", "-q")
    assert res.returncode == 0, res.stderr
    french = json.loads((tmp_path / "out" / "fr.json").read_text())
    assert [p["ipa"] for w in french["words"] for p in w["phones"]][-1] == "ʁ"
    (tmp_path / "bad.csv").write_text(f"audio,text,language\n{wav},Hi.,klingonese\n")
    res = run_cli("batch", tmp_path / "bad.csv", "--out", tmp_path / "out2")
    assert res.returncode == 2 and "row 1" in res.stderr and "klingonese" in res.stderr


@pytest.mark.parametrize(
    "text, language",
    [("Durante nuestra conversación advertí que la multitud aumentaba.", "es"),
     ("Um grupo de crianças está andando em um rio perto da margem do rio.", "pt"),
     ("tyst under denna inspelning", "sv"), ("Die Werbung vermittelt einen falschen Eindruck.", "de"),
     ("Sous le consulat il devient conservateur des eaux et forêts.", "fr"),
     ("Il gatto dorme sul divano tutto il giorno.", "it"), ("你好，世界。", "zh"), ("こんにちは", "ja"),
     ("그는 길 한 옆으로 걸어갔다.", "ko"), ("Привет, как дела?", "ru")],
)  # fmt: skip
def test_auto_reads_a_transcripts_language_from_its_script_or_its_words(text, language):
    from audioface.language.pronounce.choose import transcript_language

    assert transcript_language(text) == language


def test_plain_english_is_settled_without_the_language_model():
    """An English transcript is English by the dictionary alone: langid's model (half a second
    to load) is never read, and a single word no model can place is left to the audio."""
    from audioface.language.pronounce import choose

    choose._identifier.cache_clear()
    assert choose.transcript_language((EXAMPLES / "hello.txt").read_text()) == "en"
    assert choose._identifier.cache_info().currsize == 0
    assert choose.transcript_language("annuler") is None  # French or Latin? The audio will say


@pytest.mark.parametrize(
    "text, language, expected",
    [("அதன்படி மறுநாள் காலை", "ta", ["அதன்படி", "மறுநாள்", "காலை"]),
     ("नमस्ते दुनिया। कैसे हो?", "hi", ["नमस्ते", "दुनिया", "कैसे", "हो"]),
     ("Bonjour, l'homme peut-être 'là'", "fr", ["bonjour", "l'homme", "peut-être", "là"])],
)  # fmt: skip
def test_words_keep_their_vowel_signs_and_inner_apostrophes(text, language, expected):
    """A Tamil or Hindi word is letters and combining vowel signs: cut at the signs, a word fell
    apart into syllables no route could read right (அதன்படி was அதன, பட)."""
    from audioface.language.pronounce.text import words

    assert words(text, language) == expected


def test_a_looping_english_guess_is_not_taken_for_english():
    """tiny.en loops over speech it cannot follow, often sure of itself; a loop sends the audio
    to base's language detection instead of being read as English."""
    from audioface.language.recognize.segments import Segment
    from audioface.language.recognize.whisper_language import sounds_english

    assert sounds_english([Segment(0.0, 4.0, "Peter bought a muffin from the bakery.", avg_logprob=-0.3)])
    looped = "thank you thank you thank you thank you thank you"
    assert not sounds_english([Segment(0.0, 4.0, looped, avg_logprob=-0.3)])
    assert not sounds_english([Segment(0.0, 4.0, "I am here.", avg_logprob=-0.3, compression_ratio=2.9)])


def test_detection_names_a_language_a_route_speaks():
    """Whisper's likeliest language may have no route (Galician for Spanish): the likeliest
    one that has a route is taken, not English by default."""
    from audioface.language.recognize.whisper_language import detect

    class Heard:  # the detection's reading of a clip, as WhisperRunner gives it
        def language_probabilities(self, samples, min_frames=None):
            return {"gl": 0.55, "es": 0.35, "pt": 0.06, "en": 0.04}

    assert detect(Heard(), np.zeros(16000, np.float32)) == "es"


def test_words_told_to_a_stream_are_read_in_its_language():
    """The live aligner's graph takes the told words' phones from their language's route: French
    lumières is L UW M Y EH R (English's guess: L UW M IY ER Z), bleu ends rounded mid (OW)."""
    import itertools

    from audioface.language.align.online import OnlineAligner

    def graph(language: str) -> list[str]:
        aligner = OnlineAligner(language=language)
        aligner.add_text("lumières bleu")
        return [k for k, _ in itertools.groupby(aligner.model.phones[c] for c in aligner._cls)]

    assert graph("fr") == ["sil", "L", "UW", "M", "Y", "EH", "R", "sil", "B", "L", "OW", "sil"]
    assert graph("auto") == graph("fr")  # langid reads the words as French
    assert graph("en")[4:7] == ["IY", "ER", "Z"]
