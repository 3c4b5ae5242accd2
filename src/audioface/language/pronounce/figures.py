"""What each language's route measured, for ``audioface languages`` and the README's table.

Lip-sync scores (docs/metrics.md) with the transcript and ``--language``: ``dev`` on the
multilingual development corpus (``corpus/dev-multilingual``: espeak-ng voices, exact phone
timings), ``real`` on real speech where a reference exists. Remeasure with
``bench/bench_languages.py`` and copy the figures here.
"""

from __future__ import annotations

# code -> {"dev": score, ...}; a language not listed has not been measured
MEASURED: dict[str, dict[str, float]] = {}


def figure(code: str) -> str:
    """The measured figures of ``code`` as a short text, or "-"."""
    found = MEASURED.get(code)
    if not found:
        return "-"
    return ", ".join(f"{what} {value:.3f}" for what, value in found.items())
