"""Evaluation in any language: IPA and X-SAMPA references classified as metrics.md's "In other
languages" says, English references as before, per-item languages, and the multilingual corpus.

Every expected value here is written by hand from docs/metrics.md, not produced by the code."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audioface.evaluate.corpus import find_items
from audioface.evaluate.ipa_classes import ipa_event
from audioface.evaluate.lipsync import openness, score_lipsync
from audioface.evaluate.runner import ItemResult
from audioface.evaluate.summary import summarize_by
from audioface.formats.phones import read_phones
from audioface.language import check_language
from audioface.track import RefPhone

ROOT = Path(__file__).resolve().parents[1]
FILES = Path(__file__).parent / "files"
CORPUS = ROOT / "corpus" / "dev-multilingual"

CLASSES = {
    "closure": "p b m pʰ bʲ mː ɓ pʼ k͡p ŋ͡m",
    "labiodental": "f v ɱ fʲ vː",
    "rounding": "u y ʉ ʊ ʏ o ø ɵ yː ũ w ʍ ɥ",
    "open_vowel": "a ɑ ä æ ɛ ɔ ɒ œ ɞ ɛ̃ aː ʌ ɐ",
    None: "ə ɘ i e ɪ ɨ ɯ ɤ ɯ̥ i̥ ɸ β ʋ kʷ t s ʃ l ɾ ʁ j h",
}


@pytest.mark.parametrize(
    ("label", "event"), [(lab, ev) for ev, labs in CLASSES.items() for lab in labs.split()]
)
def test_ipa_phones_are_scored_by_their_articulation(label, event):
    assert ipa_event(RefPhone("?", 0.0, 0.2, None, label)) == event


def test_unstressed_central_open_vowels_are_not_scored():
    assert ipa_event(RefPhone("AH", 0.0, 0.2, 0, "ɐ")) is None  # known unstressed: a reduced AH
    assert ipa_event(RefPhone("AH", 0.0, 0.2, 1, "ɐ")) == "open_vowel"


@pytest.mark.parametrize(
    ("label", "value"),
    [("i", 0.6), ("e", 0.6), ("ɪ", 0.4), ("ə", 0.4), ("ɘ", 0.4), ("a", 1.0), ("ɛ", 1.0), ("y", 0.6),
     ("p", 0.0), ("m", 0.0), ("ɸ", 0.0), ("f", 0.0), ("ɱ", 0.0), ("l", 0.3), ("j", 0.3), ("w", 0.3),
     ("s", 0.15), ("ʃ", 0.15), ("k", 0.15)],
)  # fmt: skip
def test_openness_is_the_nearest_english_phones(label, value):
    assert openness(RefPhone("?", 0.0, 0.1, None, label)) == value


def _closed_mouth(seconds: float, fps: float = 100.0) -> np.ndarray:
    return np.zeros((int(round(seconds * fps)) + 1, 52))


def _ref(labels: list[str], step: float = 0.1, pause: float = 0.4) -> list[tuple[str, float, float]]:
    out = [(lab, k * step, (k + 1) * step) for k, lab in enumerate(labels)]
    return [*out, ("sil", len(labels) * step, len(labels) * step + pause)]


def _write_json(path: Path, labels: list[str]) -> Path:
    path.write_text(json.dumps([{"phone": p, "start": a, "end": b} for p, a, b in _ref(labels)]), "utf-8")
    return path


def test_a_closed_mouth_on_an_ipa_reference(tmp_path):
    # p ˈa f y ə kʷ i (0.1 s each) then a 0.4 s pause: a mouth that never opens closes p, hides
    # f, rests, and misses a and y; ə, kʷ and i are not scored
    phones = read_phones(_write_json(tmp_path / "x.phones.json", ["p", "ˈa", "f", "y", "ə", "kʷ", "i"]))
    assert [p.ipa for p in phones] == ["p", "ˈa", "f", "y", "ə", "kʷ", "i", ""]
    res = score_lipsync(_closed_mouth(1.1), 100.0, phones)
    assert res.scored == {"closure": 1, "open_vowel": 1, "rounding": 1, "labiodental": 1, "rest": 1}
    assert res.hits == {"closure": 1, "open_vowel": 0, "rounding": 0, "labiodental": 1, "rest": 1}


def test_stress_marked_anywhere_in_a_file_marks_it_everywhere(tmp_path):
    marked = read_phones(_write_json(tmp_path / "a.phones.json", ["p", "ˈa", "m", "ɐ"]))
    assert [(p.phone, p.stress) for p in marked[:4]] == [("P", None), ("AA", 1), ("M", None), ("AH", 0)]
    unmarked = read_phones(_write_json(tmp_path / "b.phones.json", ["p", "a", "m", "ɐ"]))
    assert unmarked[3].stress is None and ipa_event(unmarked[3]) == "open_vowel"
    assert ipa_event(marked[3]) is None


def test_an_english_reference_scores_as_before(tmp_path):
    # ARPAbet: P AA1 M AH0 F UW1 and a pause; a closed mouth closes P M, hides F, rests; AH0 unscored
    phones = read_phones(_write_json(tmp_path / "e.phones.json", ["P", "AA1", "M", "AH0", "F", "UW1"]))
    assert all(p.ipa == "" for p in phones)
    assert [(p.phone, p.stress) for p in phones] == [
        ("P", None), ("AA", 1), ("M", None), ("AH", 0), ("F", None), ("UW", 1), ("sil", None),
    ]  # fmt: skip
    res = score_lipsync(_closed_mouth(1.0), 100.0, phones)
    assert res.scored == {"closure": 2, "open_vowel": 1, "rounding": 1, "labiodental": 1, "rest": 1}
    assert res.hits == {"closure": 2, "open_vowel": 0, "rounding": 0, "labiodental": 1, "rest": 1}
    assert [openness(p) for p in phones] == [0.0, 1.0, 0.0, 0.4, 0.0, 0.6, 0.0]
    # the same words in IPA score the same
    ipa = read_phones(_write_json(tmp_path / "i.phones.json", ["p", "ˈɑ", "m", "ə", "f", "ˈu"]))
    again = score_lipsync(_closed_mouth(1.0), 100.0, ipa)
    assert (again.scored, again.hits) == (res.scored, res.hits)
    assert [openness(p) for p in ipa] == [0.0, 1.0, 0.0, 0.4, 0.0, 0.6, 0.0]


def test_xsampa_labels_are_read_as_ipa(tmp_path):
    lab = tmp_path / "x.lab"  # HTK: start end label, 100 ns units
    labels = ["_", "p_h", '"a', "m", "9~", "y:", "v"]
    lab.write_text("".join(f"{k * 1000000} {(k + 1) * 1000000} {x}\n" for k, x in enumerate(labels)))
    phones = read_phones(lab, "xsampa")
    assert [p.ipa for p in phones] == ["", "pʰ", "ˈa", "m", "œ̃", "yː", "v"]
    assert [p.phone for p in phones] == ["sil", "P", "AA", "M", "AO", "UW", "V"]
    events = [
        "closure",
        "open_vowel",
        "closure",
        "open_vowel",
        "rounding",
        "labiodental",
    ]  # œ̃ opens as œ does
    assert [ipa_event(p) for p in phones[1:]] == events


def test_auto_recognises_ipa_and_textgrids_give_their_ipa_tier():
    english = read_phones(FILES / "ipa_short.TextGrid")  # auto: the "phones" tier, ARPAbet
    assert [(p.phone, p.ipa) for p in english] == [
        ("sil", ""), ("P", ""), ("AO", ""), ("M", ""), ("F", ""), ("UW", ""), ("sil", ""),
    ]  # fmt: skip
    ipa = read_phones(FILES / "ipa_short.TextGrid", "ipa")
    assert [p.ipa for p in ipa] == ["", "p", "ˈɔ", "m", "f", "y", ""]
    assert ipa[5].stress == 0  # y, unmarked in a tier that marks ˈɔ


def test_auto_detects_ipa_characters(tmp_path):
    phones = read_phones(_write_json(tmp_path / "fr.phones.json", ["ʃ", "ˈa", "t"]))
    assert [p.ipa for p in phones] == ["ʃ", "ˈa", "t", ""]


def _cli(*args) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "audioface", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_evaluate_phoneset_ipa_and_by_language(tmp_path):
    corpus, pred = tmp_path / "c", tmp_path / "p"
    corpus.mkdir()
    pred.mkdir()
    for name, code in (("a", "fr"), ("b", "de")):
        sf.write(corpus / f"{name}.wav", np.zeros(19200, np.float32), 16000)
        (corpus / f"{name}.TextGrid").write_bytes((FILES / "ipa_short.TextGrid").read_bytes())
        (corpus / f"{name}.lang").write_text(code + "\n")
        (pred / f"{name}.tsv").write_text("0.00\tX\n9.00\tX\n")  # a mouth that never moves
    res = _cli(
        "evaluate", corpus, "--pred", pred, "--phoneset", "ipa", "--by", "language", "--json", "-", "-q"
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    item = doc["items"][0]
    # p m closed, ɔ not opened, f hidden, y not rounded, the 0.4 s pause at rest (the 0.2 s one is too short)
    assert item["scored"] == {"closure": 2, "open_vowel": 1, "rounding": 1, "labiodental": 1, "rest": 1}
    assert item["hits"] == {"closure": 2, "open_vowel": 0, "rounding": 0, "labiodental": 1, "rest": 1}
    assert {i["language"] for i in doc["items"]} == {"fr", "de"}
    assert sorted(doc["by_language"]) == ["de", "fr"]
    assert doc["by_language"]["fr"]["pred"]["items"] == 1
    res = _cli("evaluate", corpus, "--pred", pred, "--language", "xx-nowhere", "-q")
    assert res.returncode != 0 and "Traceback" not in res.stderr


def test_an_items_language_from_its_lang_file_or_the_manifest(tmp_path):
    sf.write(tmp_path / "x.wav", np.zeros(1600, np.float32), 16000)
    (tmp_path / "x.lang").write_text("pt-BR\n")
    assert find_items(tmp_path)[0].language == "pt-BR"
    (tmp_path / "manifest.tsv").write_text("id\taudio\ttext\tlang\nx\tx.wav\tolá\tpt\n")
    assert find_items(tmp_path)[0].language == "pt"


def test_results_grouped_by_language():
    def result(lang, closures_hit):
        ls = score_lipsync(_closed_mouth(0.5), 100.0, [RefPhone("P", 0.1, 0.2)])
        ls.hits["closure"] = closures_hit
        return ItemResult("x", "transcript", ls, language=lang)

    groups = summarize_by([result("fr", 1), result("fr", 0), result(None, 1)], "language")
    assert sorted(groups) == ["-", "fr"]
    assert groups["fr"]["transcript"]["items"] == 2
    assert groups["fr"]["transcript"]["recalls"]["closure"] == 0.5
    assert groups["-"]["transcript"]["recalls"]["closure"] == 1.0


# -- the committed corpus ------------------------------------------------------------------


def _stretches(spans: list[tuple[float, float]], bridge: float) -> list[list[float]]:
    """Runs of speech, gaps of at most ``bridge`` seconds bridged."""
    out: list[list[float]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= bridge:
            out[-1][1] = b
        else:
            out.append([a, b])
    return out


def _voiced(audio: np.ndarray, rate: int, step: float = 0.005) -> list[tuple[float, float]]:
    n = int(step * rate)
    rms = np.sqrt(np.mean(audio[: len(audio) // n * n].reshape(-1, n) ** 2, axis=1))
    return [(k * step, (k + 1) * step) for k in np.flatnonzero(rms > 0.02 * rms.max())]


def test_the_multilingual_corpus_covers_ten_languages_in_ipa():
    items = find_items(CORPUS)
    languages = {check_language(i.language) for i in items}
    assert len(languages) >= 10 and all(i.text and i.phones for i in items)
    for item in items:
        phones = read_phones(item.phones)  # auto: IPA, every label one known segment
        assert any(p.ipa for p in phones), item.name
        assert any(ipa_event(p) == "closure" for p in phones), item.name  # a bilabial in every item


def test_the_multilingual_corpus_references_match_their_audio():
    # as tools/make_corpus.py checks: the reference covers the audio and its speech lines up with
    # the voiced stretches within 50 ms (plus one 5 ms measuring frame); pauses under 0.25 s bridged
    for item in find_items(CORPUS):
        audio, rate = sf.read(item.audio, dtype="float32")
        ref = json.loads(item.phones.read_text(encoding="utf-8"))
        assert ref[0]["start"] == 0 and all(
            abs(a["end"] - b["start"]) < 1e-3 for a, b in zip(ref, ref[1:], strict=False)
        )
        assert abs(ref[-1]["end"] - len(audio) / rate) <= 0.05, item.name
        spoken = _stretches([(p["start"], p["end"]) for p in ref if p["phone"] != "sil"], 0.25)
        voiced = _stretches(_voiced(audio, rate), 0.25)
        assert len(spoken) == len(voiced), item.name
        for (a, b), (c, d) in zip(spoken, voiced, strict=True):
            assert abs(a - c) <= 0.055 and abs(b - d) <= 0.055, (item.name, a, b, c, d)
