"""Text-assisted live streaming: words aligned as the audio arrives, the mouth held to them."""

import subprocess
import sys

import numpy as np
import pytest
from conftest import DATA, reference_phones, transcript

from audioface import arkit
from audioface.audio import load_audio
from audioface.audio.mel import log_mel
from audioface.errors import AudioFaceError
from audioface.evaluate import RefPhone, alignment_accuracy, score_lipsync
from audioface.frames import frame_count
from audioface.language.align import acoustic, online
from audioface.language.align.online import OnlineAligner
from audioface.streaming import StreamAnimator

ITEMS = ["flite_slt_01", "espeak_en-us_11", "flite_awb_03"]
MOUTH = [arkit.INDEX[name] for name in arkit.MOUTH_GROUP]


def _placed(aligner: OnlineAligner) -> list[RefPhone]:
    return [RefPhone(p, a / 100, b / 100) for p, a, b in aligner.phones(0) if p != "sil"]


def _align(name: str, chunk: int = 2) -> OnlineAligner:
    """The item aligned live; back-pointers kept for all of it, so its whole path can be read."""
    mel = log_mel(load_audio(DATA / f"{name}.wav").samples)
    aligner = OnlineAligner(history=len(mel))
    aligner.add_text(transcript(name))
    for i in range(0, len(mel), chunk):
        aligner.push(mel[i : i + chunk])
    aligner.finish()
    assert aligner.frames == len(mel)
    return aligner


def test_the_live_phone_model_in_chunks_equals_one_pass():
    model = acoustic.load_live()
    mel = log_mel(load_audio(DATA / "flite_slt_01.wav").samples)
    whole = model.log_posteriors(mel)
    state, parts = model.initial_state(), []
    rng = np.random.default_rng(0)
    at = 0
    while at < len(mel):
        step = int(rng.choice([1, 2, 7, 50]))
        out, state = model.step(mel[at : at + step], state)
        parts.append(out)
        at += step
    pad = np.repeat(log_mel(np.zeros(640, np.float32))[:1], model.lookahead, axis=0)
    out, _ = model.step(pad, state)
    streamed = np.concatenate([*parts, out])[model.lookahead :]
    np.testing.assert_allclose(streamed, whole, atol=1e-4)
    assert 0 < model.lookahead <= 8  # what lets a live frame go out within 100 ms


@pytest.mark.parametrize("name", ITEMS)
def test_online_alignment_places_the_words_phones_where_they_are_said(name):
    aligner = _align(name)
    acc = alignment_accuracy(_placed(aligner), reference_phones(name))
    assert acc.matched >= 0.9 * len([p for p in reference_phones(name) if p.phone != "sil"])
    assert acc.within_50ms >= 0.85, acc


def test_text_given_word_by_word_or_mid_stream_aligns_as_text_given_at_once():
    name = "flite_slt_01"
    whole = _placed(_align(name))
    words = transcript(name).split()
    mel = log_mel(load_audio(DATA / f"{name}.wav").samples)
    one_by_one = OnlineAligner(history=len(mel))
    for w in words:
        one_by_one.add_text(w)
    late = OnlineAligner(history=len(mel))
    late.add_text(" ".join(words[:2]))
    for i in range(0, len(mel), 2):
        if i == 20:  # the rest of the words come during the first 0.2 s, before they are said
            late.add_text(" ".join(words[2:]))
        one_by_one.push(mel[i : i + 2])
        late.push(mel[i : i + 2])
    one_by_one.finish(), late.finish()
    assert _placed(one_by_one) == whole
    assert _placed(late) == whole


def test_a_stream_is_told_only_so_many_words(monkeypatch):
    monkeypatch.setattr(online, "MAX_WORDS", 5)
    aligner = OnlineAligner()
    aligner.add_text("one two three")
    with pytest.raises(AudioFaceError, match="at most 5 words"):
        aligner.add_text("four five six")


@pytest.mark.parametrize("name", ITEMS)
def test_a_stream_told_the_words_seals_tucks_and_rounds_with_the_same_look_ahead(name):
    sound = load_audio(DATA / f"{name}.wav")
    ref = reference_phones(name)
    plain = StreamAnimator(gate=True, hear_phones=False)
    told = StreamAnimator(gate=True, text=transcript(name))
    assert told.latency == plain.latency <= 0.1
    parts = []
    for i in range(0, len(sound.samples), 320):
        parts.append(told.push(sound.samples[i : i + 320]))
        heard = min(i + 320, len(sound.samples)) / sound.sample_rate
        assert sum(len(p) for p in parts) <= max(0, frame_count(heard - told.latency + 1e-9, 60.0)) + 1
    frames = np.concatenate([*parts, told.finish()])
    without = plain.run(sound.samples, 320)
    assert frames.shape == without.shape
    score = score_lipsync(frames, 60.0, ref)
    base = score_lipsync(without, 60.0, ref)
    assert score.score >= 0.95 and score.score >= base.score, (score, base)
    for event in ("closure", "labiodental", "rounding"):
        if score.recall(event) is not None:
            assert score.recall(event) >= 0.9, (event, score.to_dict())


def test_cli_stream_with_text(tmp_path):
    out = tmp_path / "told.csv"
    res = subprocess.run([sys.executable, "-m", "audioface", "animate", str(DATA / "flite_slt_01.wav"),
                          "--stream", "--text-file", str(DATA / "flite_slt_01.txt"), "-o", str(out)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "look-ahead 92.5 ms" in res.stderr and "not used" not in res.stderr
    assert out.is_file() and len(out.read_text().splitlines()) > 100


def test_words_that_are_not_what_is_said_leave_the_live_mouth_mostly_alone():
    """Text from another recording fits this audio badly: the frames stay near the model's own
    almost everywhere, where the right words visibly change a third of them or more. (Near, not
    equal: the live model is told the phones where the words happen to fit, a leading silence
    say, and its convolution history carries that on for a while.)"""
    sound = load_audio(DATA / "flite_awb_03.wav")
    plain = StreamAnimator(gate=True, hear_phones=False).run(sound.samples, 320)
    right = StreamAnimator(gate=True, text=transcript("flite_awb_03")).run(sound.samples, 320)
    wrong = StreamAnimator(gate=True, text=transcript("espeak_en-029_18")).run(sound.samples, 320)

    def changed(frames: np.ndarray) -> float:
        return float((np.abs(frames - plain).max(axis=1) > 0.03).mean())  # 3% of a shape's range

    assert changed(right) > 0.25 and changed(wrong) < 0.15, (changed(right), changed(wrong))


@pytest.mark.parametrize("chunking", ["random", 160, 1_000_000])
def test_a_stream_told_its_words_gives_the_same_frames_however_the_audio_is_chunked(chunking):
    """Each frame settles a fixed lag after its time, so chunks of any size (one sample, or the
    whole file at once) give the frames of animate_stream on the file."""
    sound = load_audio(DATA / "flite_slt_01.wav")
    text = transcript("flite_slt_01")
    reference = StreamAnimator(gate=True, text=text).run(sound.samples, 320)
    stream = StreamAnimator(gate=True, text=text)
    rng = np.random.default_rng(5)
    parts, at = [], 0
    while at < len(sound.samples):
        step = int(rng.choice([1, 37, 160, 320, 4800])) if chunking == "random" else chunking
        parts.append(stream.push(sound.samples[at : at + step]))
        at += step
    frames = np.concatenate([*parts, stream.finish()])
    np.testing.assert_allclose(frames, reference, atol=1e-4)
    from audioface.api import animate_stream

    mouth = animate_stream(DATA / "flite_slt_01.wav", text=text).animation.weights[:, MOUTH]
    np.testing.assert_allclose(mouth, reference[:, MOUTH], atol=1e-4)


def test_a_p_the_settled_frames_jumped_past_is_still_shown():
    """Settled frames follow the best path of their moment; when it jumps past the P of "map",
    the next frames show the P (late, not lost), and a plain step shows nothing extra."""
    aligner = OnlineAligner()
    aligner.add_text("map")
    names = [aligner.model.phones[c] for c in aligner._cls]
    assert names == ["sil", *["M"] * 3, *["AE"] * 3, *["P"] * 3, "sil"]
    for state in [0, 1, 2, 3, 4, 5, 6, 10, 10, 10, 10]:  # the P's three states never taken
        aligner._settle(state)
    aligner.decided = 11
    runs = aligner.phones(0)
    assert [p for p, _, _ in runs] == ["sil", "M", "AE", "P", "sil"]
    assert [(a, b) for p, a, b in runs if p == "P"] == [(7, 9)]
    plain = OnlineAligner()
    plain.add_text("map")
    for state in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]:
        plain._settle(state)
    plain.decided = 11
    assert [(p, a, b) for p, a, b in plain.phones(0) if p == "P"] == [("P", 7, 10)]


def test_a_live_model_that_takes_cues_is_told_the_settled_phones_the_same_for_any_chunking(tmp_path):
    """A live model with cue inputs (cues ``cue_delay`` frames late) hears the phones of the
    words it is told, settled by the live aligner: its frames are the same however the audio
    is chunked and differ from a deaf copy's (its cue weights zeroed); without words it hears
    the audio alone, as the deaf copy does."""
    import torch

    from audioface.training.export import export_onnx
    from audioface.training.model import ModelConfig, MouthNet

    torch.manual_seed(0)
    model = MouthNet(ModelConfig(hidden=16, dilations=[1, 2, 4], lookahead=7, cue_delay=7)).eval()
    with torch.no_grad():
        model.proj.weight[:, 40:] *= 20.0  # the cues, more than the audio, move this mouth
        hearing = export_onnx(model, tmp_path / "hearing.onnx")
        model.proj.weight[:, 40:] = 0.0
        deaf = export_onnx(model, tmp_path / "deaf.onnx")
    sound = load_audio(DATA / "flite_slt_01.wav")
    text = transcript("flite_slt_01")

    def run(path, chunk, words=text):
        return StreamAnimator(path, text=words, hear_phones=False).run(sound.samples, chunk)

    told = run(hearing, 320)
    np.testing.assert_allclose(run(hearing, 4800), told, atol=1e-4)
    assert np.abs(told - run(deaf, 320))[:, MOUTH].max() > 0.05
    np.testing.assert_allclose(run(hearing, 320, None), run(deaf, 320, None), atol=1e-5)


def test_a_live_model_trains_on_the_cues_a_stream_told_its_words_feeds_it(monkeypatch):
    """The trainer can remake a live model's cues with the live aligner (training/live_cues.py):
    they must be, frame for frame, what a stream told the same words feeds the shipped live
    model, or a model learns from cues it will never see."""
    from audioface.motion.learned.cues import delayed
    from audioface.training.live_cues import live_cue_rows

    sound = load_audio(DATA / "flite_slt_01.wav")
    text = transcript("flite_slt_01")
    stream = StreamAnimator("stream", text=text)
    assert stream.model.info.cue_delay > 0
    fed, step = [], stream.model.step

    def spy(mel, cues, sentence, state):
        fed.append(cues)
        return step(mel, cues, sentence, state)

    monkeypatch.setattr(stream.model, "step", spy)  # the loaded model is shared: put it back after
    stream.run(sound.samples, 320)
    fed = np.concatenate(fed)
    trained = delayed(live_cue_rows(log_mel(sound.samples), text), stream.model.info.cue_delay)
    n = min(len(fed), len(trained))
    assert n >= len(trained) - stream.model.info.lookahead - 2
    assert fed[:n, -1].mean() > 0.9  # told the words, the model hears them nearly everywhere
    np.testing.assert_allclose(fed[:n], trained[:n], atol=1e-6)
