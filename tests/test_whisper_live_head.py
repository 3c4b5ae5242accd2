"""The live ear's head learns from what the live ear hears (:mod:`audioface.training.whisper_live_head`):
each kept crop, read by a head at the kept positions, gives exactly the posteriors a live ear with
that head hands on, frame for frame, so the head is trained on the frames it will read."""

import numpy as np
import pytest
from conftest import EXAMPLES, MOUTH_GROUPS, SHARED, held_out_aligned

from audioface.audio import load_audio
from audioface.language.recognize import whisper_live, whisper_phones

pytestmark = pytest.mark.skipif(not whisper_live.available(), reason="Whisper's encoder is not installed")


def test_the_crops_kept_are_what_the_live_ear_reads():
    torch = pytest.importorskip("torch")
    from audioface.motion.learned.cues import PHONES
    from audioface.training.whisper_live_head import SLOTS, init_from, live_edges

    samples = load_audio(EXAMPLES / "hello.wav").samples[:48000]
    labels = np.arange(len(samples) // 320 + 1) % len(PHONES)  # any class, one per 20 ms
    crops, positions, classes = live_edges(samples, labels)
    ear = whisper_live.LiveEar(PHONES)
    heard = np.concatenate([ear.push(samples[a : a + 320]) for a in range(0, len(samples), 320)])
    live = whisper_phones.model_path(whisper_phones.LIVE_MODEL)  # the head the ear reads with
    head = init_from(live if live.is_file() else whisper_phones.model_path()).eval()
    with torch.no_grad():
        out = head(torch.from_numpy(crops.astype(np.float32))).numpy()
    kept = classes != -100
    read = np.stack([out[k, positions[k]] for k in range(len(out))])[kept]
    # every frame from the first whole crop on (the first 0.3 s: windows shorter than a crop)
    assert ear.done - 40 < len(read) < ear.done == len(heard) and positions.shape[1] == SLOTS
    # the crops are float16, as cached: posteriors equal to a thousandth
    np.testing.assert_allclose(np.exp(read), np.exp(heard[-len(read) :]), atol=1e-3)
    frames = np.arange(ear.done)[-len(read) :]
    assert (classes[kept] == labels[frames // 2]).all()


CORPUS = SHARED / "multilingual-speech"


@pytest.mark.skipif(not (CORPUS / "manifest.tsv").is_file(), reason="multilingual-speech is not in ../shared")
@pytest.mark.skipif(
    not whisper_phones.model_path(whisper_phones.LIVE_MODEL).is_file(), reason="no live head is shipped"
)
def test_the_live_head_names_the_newest_frames_better_than_the_whole_file_head():
    """Mouth classes (closure, tuck, rounding, open, other) of the speech frames the live ear hands
    on, held-out speakers of five languages, against each transcript aligned in its own language
    (measured: 0.750 with the live head against 0.734 with the whole-file one)."""
    torch = pytest.importorskip("torch")
    from audioface.motion.learned.cues import PHONES
    from audioface.training import multilingual_real
    from audioface.training.whisper_live_head import init_from, live_edges
    from audioface.training.whisper_phones import synthetic_labels

    names = (whisper_phones.LIVE_MODEL, whisper_phones.MODEL)
    heads = [init_from(whisper_phones.model_path(name)).eval() for name in names]
    group = np.array([MOUTH_GROUPS.get(p, 4) for p in PHONES])
    hits, frames = np.zeros(2), 0
    for audio, track in held_out_aligned(5, 3):
        labels = synthetic_labels(multilingual_real.arpabet_timeline(track, audio.duration))
        crops, positions, classes = live_edges(audio.samples, labels)
        speech = (classes != -100) & (classes != PHONES.index("sil"))
        frames += int(speech.sum())
        with torch.no_grad():
            for k, head in enumerate(heads):
                out = head(torch.from_numpy(crops.astype(np.float32))).numpy()
                named = np.stack([out[j, positions[j]].argmax(-1) for j in range(len(out))])
                hits[k] += int((group[named[speech]] == group[classes[speech]]).sum())
    assert frames > 1000
    live, whole = hits / frames
    print(f"mouth classes of the newest frames: live head {live:.3f}, whole-file head {whole:.3f}")
    assert live > whole + 0.01, (live, whole)
