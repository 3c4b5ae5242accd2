"""--emotion auto: the transcript's meaning, read by the shipped sentence-embedding model."""

import numpy as np
from conftest import DATA, transcript

from audioface import arkit
from audioface.api import animate
from audioface.language.meaning import classify, embed, sentence_spans, split_sentences
from audioface.motion import FaceOptions, animate_face
from audioface.motion.emotion import LIP_CHANNELS
from audioface.track import Phone, PhoneTrack, Word

# written for this test; none of them is one of the model's example sentences
SENTENCES = {
    "I just got the job, I am thrilled!": "happy",
    "This is the happiest day of my life.": "happy",
    "My dog died this morning and I cannot stop crying.": "sad",
    "Everyone I loved is gone now.": "sad",
    "You broke my car again, I am so mad at you!": "angry",
    "I hate you for what you did.": "angry",
    "Surprise! Did you expect to see us all here?": "surprised",
    "Whoa, you bought me a puppy? I had no idea!": "surprised",
    "The report is due on Friday at noon.": "neutral",
    "Turn left at the second traffic light.": "neutral",
}


def test_embeddings_are_real_sentence_vectors():
    vec = embed(["The cat sat on the mat.", "A cat was sitting on a mat.", "Stock prices fell sharply."])
    assert vec.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-4)
    assert vec[0] @ vec[1] > vec[0] @ vec[2] + 0.3


def test_emotion_labels_are_plausible():
    got = [r.emotion for r in classify(list(SENTENCES))]
    right = sum(g == want for g, want in zip(got, SENTENCES.values(), strict=True))
    assert right >= 8, list(zip(SENTENCES, got, strict=True))


def _word(text, start, end):
    return Word(text, start, end, (Phone("AH", start, end, 1),))


def test_sentences_are_timed_by_their_words():
    text = "I won the prize! Then the lights went out."
    assert split_sentences(text) == ["I won the prize!", "Then the lights went out."]
    said = "i won the prize then the lights went out".split()
    words = [_word(w, 0.3 * i, 0.3 * i + 0.25) for i, w in enumerate(said)]
    spans = sentence_spans(text, PhoneTrack(words, 3.0, "transcript"))
    assert [round(a, 2) for a, _, _ in spans] == [0.0, 1.2]
    assert [round(b, 2) for _, b, _ in spans] == [1.15, 2.65]


def test_auto_emotion_follows_the_sentences_and_leaves_the_lips_alone():
    words = [_word("la", 0.3 * i, 0.3 * i + 0.25) for i in range(8)]
    track = PhoneTrack(words, 4.0, "transcript")
    moods = [(0.0, 1.15, "happy"), (1.2, 2.35, "sad")]
    options = FaceOptions(emotion="auto", intensity=1.0, blinks=False, brows=False, gaze=False, head=False)
    weights, _ = animate_face(track, 30.0, None, options, moods=moods)
    plain, _ = animate_face(track, 30.0, None, FaceOptions(blinks=False, brows=False, gaze=False, head=False))
    smile, frown = weights[:, arkit.INDEX["mouthSmileLeft"]], weights[:, arkit.INDEX["mouthFrownLeft"]]
    assert smile[15] > 0.4 and smile[60] < 0.05 and frown[55] > 0.3 and frown[15] < 0.05
    lips = [arkit.INDEX[n] for n in LIP_CHANNELS]
    np.testing.assert_array_equal(weights[:, lips], plain[:, lips])


def test_auto_emotion_runs_through_the_pipeline():
    name = "flite_slt_01"
    anim = animate(DATA / f"{name}.wav", transcript(name), face=FaceOptions(emotion="auto"), jobs=1)
    assert anim.weights.shape[1] == 52 and np.isfinite(anim.weights).all()
