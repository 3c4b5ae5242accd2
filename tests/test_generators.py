"""The learned generators as the pipeline runs them: features, shipped models, the runtime without
torch, the registry that says what each generator hears."""

import ast
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from conftest import DATA, EXAMPLES, copy_corpus, reference_phones, transcript

from audioface import arkit
from audioface.api import animate
from audioface.audio.mel import MelStream, log_mel
from audioface.errors import AudioFaceError
from audioface.evaluate import score_lipsync
from audioface.language.align import acoustic, online
from audioface.motion import generators
from audioface.motion.generators import hearing_phones, live, resolve, streamed, without_phones
from audioface.motion.learned.cues import N_CUES, PHONES, delayed, live_cues, phone_cues
from audioface.motion.learned.generator import OnnxGenerator
from audioface.track import Phone, PhoneTrack, Word
from audioface.training.config import load_config

MODELS = Path(__file__).parent.parent / "src" / "audioface" / "models"


def test_mel_stream_gives_the_offline_frames_for_any_chunking():
    samples, _ = sf.read(DATA / "flite_slt_01.wav", dtype="float32")
    offline = log_mel(samples)
    rng = np.random.default_rng(1)
    stream, parts, at = MelStream(), [], 0
    while at < len(samples):
        step = int(rng.integers(1, 900))
        parts.append(stream.push(samples[at : at + step]))
        at += step
    parts.append(stream.finish())
    online = np.concatenate(parts)
    assert online.shape == offline.shape
    np.testing.assert_allclose(online, offline, atol=1e-4)


def test_phone_cues_mark_the_phone_under_each_frame():
    phones = (Phone("B", 0.10, 0.18), Phone("AA", 0.18, 0.32, 1), Phone("B", 0.32, 0.40))
    word = Word("bob", 0.10, 0.40, phones)
    cues = phone_cues(PhoneTrack([word], 0.6, "transcript"), 61)
    assert cues.shape == (61, N_CUES)
    ident = cues[:, : len(PHONES)].argmax(axis=1)
    assert PHONES[ident[5]] == "sil" and PHONES[ident[12]] == "B" and PHONES[ident[25]] == "AA"
    assert PHONES[ident[35]] == "B" and PHONES[ident[50]] == "sil"
    assert cues[:, -1].min() == 1.0  # the "cues present" flag
    assert cues[10, -2] == 1.0 and cues[11:, -2].sum() == 0  # one word start


def test_live_cues_are_the_phone_settled_a_fixed_delay_back_without_hindsight():
    """A live model is told each frame's phone late, as a live aligner settles it, and never
    what only the whole phone reveals (its stress, how far through it a frame is, word starts)."""
    phones = (Phone("B", 0.10, 0.18), Phone("AA", 0.18, 0.32, 1), Phone("B", 0.32, 0.40))
    cues = phone_cues(PhoneTrack([Word("bob", 0.10, 0.40, phones)], 0.6, "transcript"), 61)
    late = delayed(cues, 7)
    ident = late[:, : len(PHONES)].argmax(axis=1)
    assert PHONES[ident[12]] == "sil" and PHONES[ident[17]] == "B" and PHONES[ident[24]] == "B"
    assert PHONES[ident[25]] == "AA" and PHONES[ident[38]] == "AA" and PHONES[ident[39]] == "B"
    assert late[:, -1].min() == 1.0 and not late[:, -4:-1].any()  # present; no stress, progress, starts
    told = live_cues([PHONES[k] for k in ident])
    np.testing.assert_array_equal(told, late)  # what a live stream builds is what training showed
    assert not delayed(np.zeros_like(cues), 7).any()  # no cues stay no cues
    assert not live_cues(["B", "AA"], np.array([False, True]))[0].any()


def test_shipped_models_are_small_and_described():
    total = sum(p.stat().st_size for p in MODELS.iterdir() if p.suffix in (".onnx", ".pt"))
    # nine networks of about 3 MB (two live phone models: English, multilingual; two Whisper phone
    # heads: whole files, the live ear)
    assert total <= 27 * 2**20
    learned, stream = OnnxGenerator("learned"), OnnxGenerator("stream")
    assert learned.info.phones and not learned.info.cue_delay
    # the live model is told each frame's phone once the live aligner has settled it, no later
    assert stream.info.phones and stream.info.cue_delay == acoustic.load_live("en").lookahead + online.LAG
    assert stream.info.cue_delay <= stream.info.lookahead  # so the cues add no latency
    assert stream.info.latency + 0.01 <= 0.1  # look-ahead, mel window and frame interpolation
    assert not resolve("stream").phones  # a stream told its words gives the cues, nothing else does
    for name in ("learned", "stream", "stream-speech"):
        assert (MODELS / f"{name}.toml").is_file() and load_config(MODELS / f"{name}.toml").name == name


@pytest.mark.parametrize("name", ["flite_slt_01", "festival_slt_07"])
def test_learned_mouth_closes_and_opens_on_dev_speech(name):
    ref = reference_phones(name)
    with_text = animate(DATA / f"{name}.wav", transcript(name), generator="learned", jobs=1)
    # told the words, learned-audio still hears none: only the phones it recognises
    audio_only = animate(DATA / f"{name}.wav", transcript(name), generator="learned-audio", jobs=1)
    assert with_text.track.words and audio_only.track.source == "phonetic"
    assert audio_only.track.phones() and not any(w.word for w in audio_only.track.words)
    scores = [score_lipsync(a.weights, a.fps, ref).score for a in (with_text, audio_only)]
    assert scores[0] >= 0.9 and scores[1] >= 0.7, scores


NO_TORCH = """
import importlib.abc, sys
class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is not installed")
sys.meta_path.insert(0, NoTorch())
"""


def test_animating_with_the_learned_model_does_not_need_torch(tmp_path):
    code = NO_TORCH + (
        "from audioface.cli import main\n"
        f"code = main(['animate', r'{EXAMPLES / 'hello.wav'}', '--text-file', r'{EXAMPLES / 'hello.txt'}', "
        f"'--generator', 'learned', '-q', '-o', r'{tmp_path / 'out.csv'}'])\n"
        "assert 'torch' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "out.csv").stat().st_size > 0
    code = NO_TORCH + "from audioface.cli import main\nsys.exit(main(['train', '--data', '.']))\n"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "pip install 'audioface[train]'" in res.stderr


def test_evaluate_scores_a_learned_generator(tmp_path):

    corpus = copy_corpus(tmp_path, ["flite_rms_05", "festival_kal_diphone_09"])
    res = subprocess.run(
        [sys.executable, "-m", "audioface", "evaluate", str(corpus), "--mode", "transcript", "--generator",
         "stream", "--json", "-", "-q"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert len(doc["items"]) == 2 and doc["summary"]["transcript"]["score"] > 0.5
    assert all(item["alignment"] is None for item in doc["items"])  # audio only: no phone track to score


# ---------------------------------------------------------------- the registry


def test_registry_says_what_each_generator_hears():
    rules, learned, audio, stream = (resolve(n) for n in ("rules", "learned", "learned-audio", "stream"))
    assert rules.model is None and rules.phones and not rules.causal
    assert learned.model == "learned" and learned.phones and not learned.causal
    assert 0.3 <= learned.lookahead <= 0.35
    assert audio.model == "learned" and audio.audio_only and audio.lookahead == learned.lookahead
    assert audio.phones and audio.phones_heard and not audio.sentence  # phones heard, never words
    assert stream.model == "stream" and stream.audio_only and stream.causal and stream.lookahead <= 0.1
    assert live("learned") == live("rules") == live("stream") == stream
    assert hearing_phones(learned) == replace(audio, name="learned")
    assert without_phones(learned).audio_only and not without_phones(learned).phones
    with pytest.raises(AudioFaceError) as err:
        resolve("no-such-model.onnx")
    assert err.value.setting == "generator"
    with pytest.raises(AudioFaceError, match="cannot stream"):
        streamed("rules")


def test_a_users_audio_only_model_is_treated_as_the_shipped_one(tmp_path):
    """A model file that takes no phone cues runs without the language stage, streams, and the
    CLI reports it as audio alone (it used to say the face stayed at rest while it moved)."""
    mine = tmp_path / "mine.onnx"
    shutil.copy(MODELS / "stream.onnx", mine)
    spec = resolve(str(mine))
    assert spec.audio_only and spec.causal and live(str(mine)).model == str(mine)
    anim = animate(EXAMPLES / "hello.wav", "hello there", generator=str(mine), jobs=1)
    assert not anim.track.words and anim.weights[:, arkit.INDEX["jawOpen"]].max() > 0.1
    out = tmp_path / "x.csv"
    res = subprocess.run([sys.executable, "-m", "audioface", "animate", str(EXAMPLES / "hello.wav"),
                          "--generator", str(mine), "-o", str(out)], capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "on the audio alone" in res.stderr and "no speech found" not in res.stderr


def test_only_the_registry_compares_generator_names():
    """Behaviour follows the spec: no module outside the registry branches on a generator's name."""
    package = Path(generators.__file__).parent.parent
    offenders = []
    for path in package.rglob("*.py"):
        if path.name == "generators.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                consts = [c.value for c in ast.walk(node) if isinstance(c, ast.Constant)]
                if any(c in generators.NAMES for c in consts):
                    offenders.append(f"{path.relative_to(package)}:{node.lineno}")
    assert not offenders, offenders


def test_cli_names_the_flag_the_library_error_is_about(tmp_path):
    res = subprocess.run([sys.executable, "-m", "audioface", "animate", str(EXAMPLES / "hello.wav"),
                          "--generator", str(tmp_path / "nope.onnx"), "-o", str(tmp_path / "x.csv")],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert res.returncode == 2 and "(see --generator)" in res.stderr
    with pytest.raises(AudioFaceError) as err:
        animate(EXAMPLES / "hello.wav", "hello", fps=0)
    assert err.value.setting == "fps" and "--" not in str(err.value)
