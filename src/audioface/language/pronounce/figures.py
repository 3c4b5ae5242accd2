"""What each language's route measured, for ``audioface languages`` and the README's table.

Lip-sync scores (docs/metrics.md) with the transcript and ``--language``: ``dev`` on the
multilingual development corpus (``corpus/dev-multilingual``: espeak-ng voices, exact phone
timings), ``real`` on real speech where a reference exists. Remeasure with
``bench/bench_languages.py`` and copy the figures here.
"""

from __future__ import annotations

# code -> {"dev": score, ...}; a language not listed has not been measured.
# dev: bench/bench_languages.py on corpus/dev-multilingual (3 voices a language), 2026-12-07;
# English: corpus/dev (the synthesizers' exact timings), held-out real speech (bench_real_speech.py)
MEASURED: dict[str, dict[str, float]] = {
    "en": {"dev": 1.000, "real": 0.974}, "de": {"dev": 1.000}, "es": {"dev": 1.000}, "fr": {"dev": 1.000},
    "it": {"dev": 0.992}, "ja": {"dev": 1.000}, "nl": {"dev": 1.000}, "pl": {"dev": 0.967},
    "pt": {"dev": 0.972}, "ru": {"dev": 1.000}, "sv": {"dev": 1.000}, "tr": {"dev": 1.000},
    "zh": {"dev": 0.967},
}  # fmt: skip


def figure(code: str) -> str:
    """The measured figures of ``code`` as a short text, or "-"."""
    found = MEASURED.get(code)
    if not found:
        return "-"
    return ", ".join(f"{what} {value:.3f}" for what, value in found.items())
