"""The add-on's work outside Blender's data: the ``audioface`` command lines, the processes that
run them, and the files they write turned into keyframes.

Standard library only and no ``bpy``, so it runs in any Blender's Python (3.10 for Blender 3.4)
and is tested without Blender. AudioFace itself runs as a separate process: Blender's Python
never needs onnxruntime or Whisper, and a Blender that freezes or crashes cannot take the
animation with it (or the other way round).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

# What the panel offers; tests/test_blender_addon.py checks them against the library's own lists.
PRESETS = ("auto", "arkit", "livelink", "metahuman", "vrm0", "vrm1", "rpm", "meta")
GENERATORS = ("learned", "learned-audio", "stream", "rules")
EMOTIONS = ("neutral", "happy", "sad", "angry", "surprised", "auto")
# The 2D mouth's integer per Rhubarb shape: A..H are 0..7, X (rest) is 8.
MOUTH_VALUES = {shape: i for i, shape in enumerate("ABCDEFGHX")}
ROTATION_NAMES = ("HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
                  "RightEyeYaw", "RightEyePitch", "RightEyeRoll")  # fmt: skip


class AddonError(Exception):
    """Something the user can fix, said in one line (shown as a Blender report)."""


def find_executable(configured: str = "") -> str:
    """The ``audioface`` command: the path set in the preferences, else the one on PATH."""
    if configured:
        path = os.path.expanduser(configured)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
        raise AddonError(f"the audioface command set in the add-on's preferences is not a program: {path}")
    found = shutil.which("audioface")
    if not found:
        raise AddonError("the audioface command is not on PATH: install AudioFace (pip install audioface) "
                         "or set its path in the add-on's preferences")  # fmt: skip
    return found


def animate_command(exe: str, audio: str, out: str, fmt: str, fps: float, options: dict) -> list[str]:
    """``audioface animate`` writing ``fmt`` to ``out``. ``options``: text, text_file, language,
    generator, emotion (empty or default values are left to the command's own defaults)."""
    cmd = [exe, "animate", audio, "--format", fmt, "-o", out, "--fps", f"{fps:.6g}", "-q"]
    if options.get("text_file"):
        cmd += ["--text-file", options["text_file"]]
    elif options.get("text", "").strip():
        cmd += ["--text", options["text"]]
    if options.get("language", "auto") not in ("", "auto"):
        cmd += ["--language", options["language"]]
    if options.get("generator"):
        cmd += ["--generator", options["generator"]]
    if options.get("emotion", "neutral") != "neutral":
        cmd += ["--emotion", options["emotion"]]
    return cmd


def check_rig_command(exe: str, names_file: str, preset: str) -> list[str]:
    """``audioface check-rig`` on a list of shape-key names, as JSON."""
    cmd = [exe, "check-rig", "--names-file", names_file, "--json"]
    return cmd + (["--preset", preset] if preset and preset != "auto" else [])


class Stage:
    """Commands that run side by side; the stage is done when all have exited."""

    def __init__(self, label: str, commands: dict[str, list[str]]):
        self.label = label
        self.commands = commands
        self.procs: dict[str, subprocess.Popen] = {}
        self.outputs: dict[str, tuple[int, str, str]] = {}

    def start(self) -> None:
        for key, cmd in self.commands.items():
            self.procs[key] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                               stdin=subprocess.DEVNULL, text=True)  # fmt: skip

    def poll(self) -> bool:
        """True once every command has exited (their output collected)."""
        for key, proc in self.procs.items():
            if key not in self.outputs and proc.poll() is not None:
                out, err = proc.communicate()
                self.outputs[key] = (proc.returncode, out, err)
        return len(self.outputs) == len(self.procs)

    def cancel(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def error_line(stderr: str, fallback: str) -> str:
    """The command's own one-line error (its last line), without the ``audioface: error:`` prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return fallback
    return lines[-1].replace("audioface: error: ", "")


def temp_folder() -> str:
    return tempfile.mkdtemp(prefix="audioface-blender-")


def read_json(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_ovr(path: str) -> tuple[list[str], list[list[float]]]:
    """The Oculus viseme CSV: (viseme names, rows of weights); its first column is the time."""
    with open(path, encoding="utf-8") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    names = [n.replace("viseme_", "") for n in rows[0][1:]]
    return names, [[float(v) for v in row[1:]] for row in rows[1:]]


def target_weights(anim: dict, rig: dict, visemes: tuple[list[str], list[list[float]]] | None) -> dict:
    """Each driven shape key's weight per frame: the binding's weighted sum of our curves (and
    Oculus visemes), clipped to 0..1, as the glTF bake computes it."""
    column = {name: i for i, name in enumerate(anim["names"])}
    vcol = {f"viseme:{n}": i for i, n in enumerate(visemes[0])} if visemes else {}
    frames = anim["frames"]
    out: dict[str, list[float]] = {}
    for target, sources in rig["weights"].items():
        values = []
        for k, row in enumerate(frames):
            total = 0.0
            for source, coef in sources.items():
                if source in column:
                    total += coef * row[column[source]]
                elif source in vcol and visemes and k < len(visemes[1]):
                    total += coef * visemes[1][k][vcol[source]]
            values.append(min(1.0, max(0.0, total)))
        out[target] = values
    return out


def frame_of(seconds: float, scene_fps: float, start_frame: int) -> float:
    return start_frame + seconds * scene_fps


def curve_keys(values: list[float], fps: float, scene_fps: float, start_frame: int) -> list[float]:
    """Flat (frame, value, frame, value, ...) for ``foreach_set("co", ...)``: frame k of the
    animation at ``fps`` lands at its time on the scene's timeline."""
    flat: list[float] = []
    for k, v in enumerate(values):
        flat += [frame_of(k / fps, scene_fps, start_frame), float(v)]
    return flat


def mouth_keys(cues: list[dict], scene_fps: float, start_frame: int) -> list[float]:
    """Flat (frame, value, ...) of the 2D mouth: one key per Rhubarb cue at its start, its shape
    as an integer (:data:`MOUTH_VALUES`), held (constant interpolation) until the next cue. A cue
    that would share a frame with the one before moves on a frame, so a short closure still
    shows for one frame."""
    flat: list[float] = []
    for cue in cues:
        frame = round(frame_of(float(cue["start"]), scene_fps, start_frame))
        if flat:
            frame = max(frame, int(flat[-2]) + 1)
        flat += [frame, MOUTH_VALUES[cue["value"]]]
    return flat


def rig_summary(rig: dict, obj_name: str) -> list[str]:
    """What mapped and what is missing, as ``check-rig`` says it, in a few report lines."""
    fates: dict[str, list[str]] = {}
    for curve, fate in rig["curves"].items():
        fates.setdefault(fate["fate"], []).append(curve)
    mapped = len(fates.get("mapped", []))
    lines = [f"AudioFace on {obj_name}: rig {rig['preset']}, {mapped} of 52 curves mapped"]
    if fates.get("approximated"):
        lines.append("approximated: " + ", ".join(fates["approximated"]))
    if fates.get("through visemes"):
        lines.append(f"through visemes: {len(fates['through visemes'])} mouth curves")
    if fates.get("dropped"):
        lines.append("missing: " + ", ".join(fates["dropped"]))
    missing = [what for what, via in rig["mouth"].items() if not via]
    if missing:
        lines.append("the mouth cannot " + ", ".join(missing))
    return lines
