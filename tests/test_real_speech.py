"""Real speech as training data and as a test set: manifests, whole-speaker hold-out, labels
made by the language stage, the augmentations for real microphones, and the held-out report."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import REAL, SHARED

from audioface.evaluate import score_lipsync
from audioface.evaluate.corpus import Item, find_items
from audioface.evaluate.real_speech import Way, aligned_reference, score_real_speech
from audioface.track import Phone, PhoneTrack, Word
from audioface.training.augment import RATE, mu_law, telephone_band
from audioface.training.config import load_config
from audioface.training.data import ESTIMATED_WEIGHT, alignment_weight, prepare_item
from audioface.training.split import split
from audioface.training.train import train

MULTILINGUAL = SHARED / "multilingual-speech"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real-english is not here")
BILABIAL = {"P", "B", "M"}


def real_subset(tmp_path: Path, speakers: int, per_speaker: int) -> Path:
    """A manifest folder naming the first utterances of the first speechocean762 speakers
    (audio paths absolute, so nothing is copied)."""
    with open(REAL / "manifest.tsv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["set"] == "speechocean762"]
    chosen, count = [], {}
    for row in rows:
        spk = row["speaker"]
        if count.get(spk, 0) < per_speaker and (spk in count or len(count) < speakers):
            count[spk] = count.get(spk, 0) + 1
            chosen.append({**row, "audio": str(REAL / row["audio"])})
    folder = tmp_path / "real"
    folder.mkdir()
    with open(folder / "manifest.tsv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(chosen[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(chosen)
    return folder


@needs_real
def test_a_manifest_folder_gives_items_with_their_speakers(tmp_path):
    items = find_items(real_subset(tmp_path, 2, 3))
    assert len(items) == 6 and len({it.speaker for it in items}) == 2
    assert all(it.audio.is_file() and it.text and it.phones is None for it in items)


def test_the_split_holds_out_whole_speakers_and_keeps_them_fixed():
    real = [Item(f"r{s}_{k}", Path("x.wav"), "text", speaker=f"s{s}") for s in range(20) for k in range(5)]
    synth = [Item(f"syn{k}", Path("x.wav"), "text") for k in range(30)]
    train_items, held = split(real + synth, 0.1, 0)
    spk_train = {it.speaker for it in train_items if it.speaker}
    spk_held = {it.speaker for it in held if it.speaker}
    assert len(spk_held) == 2 and not spk_train & spk_held
    assert sum(1 for it in held if it.speaker) == 10  # all five utterances of each
    assert sum(1 for it in held if not it.speaker) == 3
    # the real speakers held out do not depend on the synthetic items beside them
    _, held_alone = split(real, 0.1, 0)
    assert {it.speaker for it in held_alone} == spk_held


def test_words_the_aligner_only_estimated_count_for_little():
    words = [
        Word("good", 0.10, 0.40, (Phone("G", 0.10, 0.40),)),
        Word("job", 0.50, 0.90, (Phone("JH", 0.50, 0.90),), origin="estimated"),
    ]
    weight = alignment_weight(PhoneTrack(words, 1.2, "transcript"), 120)
    assert np.all(weight[10:40] == 1.0) and np.all(weight[50:90] == ESTIMATED_WEIGHT)
    assert np.all(weight[95:] == 1.0)


@needs_real
def test_a_real_utterance_is_labelled_by_its_aligned_transcript(tmp_path):
    item = next(it for it in find_items(real_subset(tmp_path, 1, 5)) if it.text == "MANDY HAS A BIG ARM")
    examples = prepare_item(item, 1, 0, load_config(text="").augment, use_text=True)
    clean = examples[0]
    assert len(examples) == 2 and clean.cues is not None and clean.frame_weight is not None
    ref = aligned_reference(item)
    assert len([p for p in ref if p.phone in BILABIAL]) == 3  # the M of Mandy, the B of big, the M of arm
    labels = score_lipsync(clean.targets, 100.0, ref)  # the labels seal and open where the words do
    assert labels.recall("closure") == 1.0 and labels.recall("open_vowel") == 1.0
    late = np.concatenate([np.repeat(clean.targets[:1], 25, 0), clean.targets[:-25]])
    assert score_lipsync(late, 100.0, ref).recall("closure") < 1.0  # 250 ms off is caught


def test_telephone_band_and_codec_change_what_a_microphone_would():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(RATE)
    band = np.abs(np.fft.rfft(telephone_band(x)))
    f = np.fft.rfftfreq(RATE, 1 / RATE)
    assert band[(f < 250) | (f > 3500)].max() < 1e-6 and band[(f > 500) & (f < 3000)].mean() > 10
    coded = mu_law(0.5 * x / np.abs(x).max())
    err = coded - 0.5 * x / np.abs(x).max()
    assert 0 < np.sqrt(np.mean(err**2)) < 0.01 and len(set(np.round(coded, 9))) <= 256


TINY_REAL = """
name = "tiny-real"
seed = 1
[data]
augment_copies = 1
holdout = 0.34
[model]
hidden = 16
dilations = [1, 2, 4]
lookahead = 4
phones = false
[train]
epochs = 3
segment_frames = 150
batch = 8
threads = 2
[augment]
band_prob = 0.5
codec_prob = 0.5
"""


@needs_real
def test_training_on_real_speech_holds_out_speakers_and_reports_them(tmp_path):
    corpus = real_subset(tmp_path, 3, 2)
    cfg = load_config(text=TINY_REAL)
    cfg.data.corpora = [str(corpus)]
    run = tmp_path / "run"
    onnx_path = train(cfg, run, log=lambda _m: None)
    history = torch.load(run / "checkpoint.pt", weights_only=False)["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    held = json.loads((run / "split.json").read_text())["held_out"]
    speakers = {it.name: it.speaker for it in find_items(corpus)}
    assert len(held) == 2 and len({speakers[n] for n in held}) == 1
    from audioface.training.report import evaluate_run

    report = evaluate_run(run, onnx_path, jobs=1, log=lambda _m: None).read_text()
    assert "Held-out real speech: 2 utterances of 1 speakers" in report
    rows = {line.split("|")[1].strip(): line for line in report.splitlines() if line.startswith("| ")}
    assert {"rules + transcript", "model, audio only", "model, streamed in 20 ms chunks"} <= set(rows)


@needs_real
def test_real_speech_scores_follow_the_transcript(tmp_path):
    items = [it for it in find_items(real_subset(tmp_path, 1, 2))]
    results = score_real_speech(items, [Way("rules", "rules"), Way("words", "rules", "words")], jobs=1)
    assert [r.mode for r in results] == ["rules", "words"] * 2
    by = {(r.item, r.mode): r.lipsync for r in results}
    for it in items:  # against its own alignment the transcript is near perfect, and scored
        assert by[(it.name, "rules")].score >= 0.9 and sum(by[(it.name, "rules")].scored.values()) > 0
    with pytest.raises(ValueError, match="unknown way"):
        score_real_speech(items, [Way("x", "rules", "telepathy")])


def _whisper_ready() -> bool:
    from audioface.language.recognize import whisper

    return whisper.available()


needs_whisper = pytest.mark.skipif(not _whisper_ready(), reason="Whisper's models are not installed")


def test_a_speed_copy_says_the_same_faster_and_higher():
    from audioface.training.whisper_phones import speeded, speeds_arg

    tone = np.sin(2 * np.pi * 200 * np.arange(16000) / 16000).astype(np.float32)
    fast = speeded(tone, 1.1)
    assert abs(len(fast) - 16000 / 1.1) <= 1  # 1.1 times as fast: 1/1.1 as long
    assert abs(np.argmax(np.abs(np.fft.rfft(fast))) * 16000 / len(fast) - 220) < 2  # and 1.1 times as high
    assert speeded(tone, 1.0) is tone
    assert speeds_arg("0.9,1.1") == (1.0, 0.9, 1.1) and speeds_arg("1") == (1.0,)
    for bad in ("fast", "3"):
        with pytest.raises(Exception, match="speed"):
            speeds_arg(bad)


@needs_whisper
@pytest.mark.skipif(not MULTILINGUAL.is_dir(), reason="../shared/data/multilingual-speech is not here")
def test_the_real_speech_in_other_languages_is_heard_at_each_speed_with_its_timings_moved(tmp_path):
    from audioface.training.multilingual_real import PREFIX
    from audioface.training.whisper_phones import PHONE_INDEX, encoded_name, prepare_real_other

    item = sorted(find_items(MULTILINGUAL), key=lambda it: it.name)[0]
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    timed = [("sil", 0.0, 0.5), ("AA", 0.5, 1.0), ("sil", 1.0, 1.5)]
    doc = [{"phone": p, "start": a, "end": b} for p, a, b in timed]
    (work / "data" / f"{PREFIX}{item.name}.phones.json").write_text(json.dumps(doc))
    cache = tmp_path / "cache"
    names = prepare_real_other(work, cache, min_frames=1000, speeds=(1.0, 0.8))
    assert names == [f"{PREFIX}{item.name}", f"{PREFIX}{item.name}@0.8"]
    labels = [np.load(cache / f"{n}.labels.npy") for n in names]
    vowel = [np.flatnonzero(y == PHONE_INDEX["AA"]) for y in labels]
    assert (vowel[0][0], vowel[0][-1]) == (25, 49)  # 0.5-1.0 s at 50 frames a second
    assert (vowel[1][0], vowel[1][-1]) == (31, 62)  # 0.625-1.25 s: the copy is slower
    frames = [len(np.load(cache / f"{n}.{encoded_name(min_frames=1000)}.npy")) for n in names]
    assert abs(frames[1] - frames[0] / 0.8) <= 2  # the encoder heard the longer recording


@needs_real
@needs_whisper
def test_the_whisper_phone_head_trains_on_real_speech_and_exports(tmp_path):
    from audioface.language.recognize import whisper_phones
    from audioface.training import whisper_phones as recipe

    folder = real_subset(tmp_path, speakers=10, per_speaker=2)
    out = tmp_path / "run"
    assert recipe.main(["--data", str(folder), "--out", str(out), "--epochs", "3"]) == 0
    side = json.loads((out / "whisper-phones.json").read_text())
    assert side["held_out_items"] == 2 and side["train_items"] == 18  # one of ten speakers held out
    history = json.loads((out / "history.json").read_text())
    assert history[-1]["nll"] < np.log(len(side["phones"]))  # better than knowing nothing
    head = whisper_phones.PhoneHead(out / "whisper-phones.onnx")
    encoded = whisper_phones.encode(np.zeros(16000, np.float32))
    assert encoded.shape == (50, 384)
    post = head.log_posteriors(encoded)
    assert post.shape == (50, len(side["phones"]))
    assert np.allclose(np.exp(post).sum(axis=1), 1.0, atol=1e-4)
    # the live ear's head, retuned from it on the same items' live passes (their labels cached)
    from audioface.training import whisper_live_head

    live = tmp_path / "live"
    args = ["--data", str(folder), "--cache", str(out / "cache"), "--init", str(out / "whisper-phones.onnx"),
            "--out", str(live), "--epochs", "1", "-j", "1"]  # fmt: skip
    assert whisper_live_head.main(args) == 0
    side = json.loads((live / "whisper-phones-live.json").read_text())
    assert side["train_items"] == 18 and side["held_out_items"] == 2 and side["history"][0]["frames"] > 100
    assert side["held_out"]["nll"] < np.log(len(side["phones"]))
    post = whisper_phones.PhoneHead(live / "whisper-phones-live.onnx").log_posteriors(encoded)
    assert post.shape == (50, len(side["phones"]))


@needs_real
@needs_whisper
def test_whisper_hears_the_phones_of_unheard_speakers_better_than_the_aligner():
    """The shipped head against the aligner's own phone model, frame by frame, on speakers
    neither heard, labelled by their aligned transcripts (measured on all 125: 0.73 against 0.63)."""
    from audioface.audio import load_audio
    from audioface.language.align import acoustic
    from audioface.language.recognize import whisper_phones
    from audioface.motion.learned.cues import PHONE_INDEX

    held = split(find_items(REAL), 0.1, 0)[1][::25]  # five utterances, five speakers
    hits = {"whisper": 0, "aligner": 0}
    total = 0
    for item in held:
        sound = load_audio(item.audio)
        ref = aligned_reference(item, sound)
        pcm = sound.pcm16()
        aligner = acoustic.pcm_log_posteriors(pcm)
        heard = whisper_phones.fit(whisper_phones.hear(sound.samples), len(aligner))
        labels = np.full(len(aligner), PHONE_INDEX["sil"])
        for ph in ref:
            labels[int(round(ph.start * 100)) : int(round(ph.end * 100))] = PHONE_INDEX[ph.phone]
        hits["whisper"] += int((heard.argmax(1) == labels).sum())
        hits["aligner"] += int((aligner.argmax(1) == labels).sum())
        total += len(labels)
    assert hits["whisper"] / total > 0.6
    assert hits["whisper"] > hits["aligner"], hits
