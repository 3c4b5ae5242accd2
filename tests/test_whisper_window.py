"""tiny.en hears a short line through a window of its own length (at least 10 s), and the command
starts loading Whisper before it imports the pipeline, only where ``animate`` will ask it."""

import csv
import random
import re

import pytest
import soundfile as sf
from conftest import EXAMPLES, REAL

from audioface.audio import load_audio
from audioface.cli.warm import hears_words
from audioface.language.recognize import whisper
from audioface.language.recognize.whisper_runner import CHUNK_FRAMES, encoder_frames

needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real-english is not here")


def word_errors(reference: str, heard: str) -> tuple[int, int]:
    """Word-level edit distance and the reference's length, case and punctuation aside."""
    ref, hyp = re.findall(r"[a-z']+", reference.lower()), re.findall(r"[a-z']+", heard.lower())
    row = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        diagonal, row[0] = row[0], i
        for j, b in enumerate(hyp, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (a != b))
    return row[len(hyp)], len(ref)


def test_the_encoder_hears_the_audio_rounded_up_padded_to_the_minimum_within_30_s():
    assert encoder_frames(480, None) == CHUNK_FRAMES
    assert encoder_frames(480, 1000) == 1000
    assert encoder_frames(1234, 1000) == 1300
    assert encoder_frames(4000, 1000) == CHUNK_FRAMES


@needs_real
def test_short_real_lines_are_heard_as_well_through_the_shorter_window():
    with open(REAL / "manifest.tsv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if 2.0 <= float(r["seconds"]) <= 9.0]
    random.Random(5).shuffle(rows)
    model = whisper.load()
    errors = {"short": [0, 0], "whole": [0, 0]}
    for row in rows[:16]:
        samples = load_audio(str(REAL / row["audio"])).samples
        for name, frames in (("short", whisper.ENGLISH_FRAMES), ("whole", None)):
            heard = " ".join(h.text for h in model.transcribe(samples, None, None, frames))
            e, n = word_errors(row["text"], heard)
            errors[name][0] += e
            errors[name][1] += n
    short, whole = (errors[k][0] / errors[k][1] for k in ("short", "whole"))
    assert short <= whole + 0.05, (short, whole)


@pytest.mark.parametrize(
    "argv, loads",
    [
        (["animate", "a.wav"], True),
        (["animate", "a.wav", "-o", "a.csv", "--language", "fr"], True),
        (["animate", "a.wav", "--asr", "whisper", "--generator", "learned"], True),
        (["animate", "a.wav", "--text", "hello"], False),
        (["animate", "a.wav", "--text-file", "a.txt"], False),
        (["animate", "a.wav", "--asr", "words"], False),
        (["animate", "a.wav", "--generator", "stream"], False),
        (["animate", "a.wav", "--generator", "learned-audio"], False),
        (["animate", "a.wav", "--stream"], False),
        (["animate", "-o", "a.csv", "a.wav"], True),
        (["animate", "--help"], False),
        (["animate"], False),
        (["batch", "manifest.csv"], False),
        ([], False),
    ],
)
def test_whisper_starts_loading_early_only_where_animate_will_hear_words(argv, loads):
    assert (hears_words(argv) is not None) is loads


def test_a_line_decoded_ahead_gives_the_words_the_pipeline_would_hear(tmp_path):
    """The words decoded ahead are taken only for the same samples; they are the same words."""
    line = tmp_path / "line.wav"
    samples = load_audio(str(EXAMPLES / "hello.wav")).samples[: 16000 * 4]
    sf.write(line, samples, 16000)
    whisper.hear_ahead(str(line))
    assert len(whisper._AHEAD) == 1
    sound = load_audio(str(line))
    spans = [(0.0, len(sound.samples) / 16000)]
    ahead = whisper.decode(whisper.load(), sound.samples, None, "en", spans)
    assert not whisper._AHEAD  # taken
    fresh = whisper.decode(whisper.load(), sound.samples, None, "en", spans)
    assert [s.text for s in ahead] == [s.text for s in fresh] and any(s.text for s in fresh)
