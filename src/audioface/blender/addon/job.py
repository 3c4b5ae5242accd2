"""One *Animate*: the ``audioface`` runs it needs, in order, and what they wrote.

First ``check-rig`` on the mesh's shape-key names (fast: it says which names take which curves,
and whether visemes are needed), then ``animate`` once per file the result needs, side by
side: the curves as JSON, the Rhubarb cues for the 2D mouth, the Oculus visemes for a viseme
rig. Polled by the modal operator on a timer, or run to the end for a script. No ``bpy``.
"""

from __future__ import annotations

import json
import os
import shutil
import time

from . import core


class Job:
    """``options``: text, text_file, language, generator, emotion (see ``core.animate_command``)."""

    def __init__(self, exe: str, audio: str, options: dict, names: list[str], preset: str, fps: float,
                 mouth_2d: bool, label: str = "object"):  # fmt: skip
        self.exe, self.audio, self.options, self.names = exe, audio, options, names
        self.preset, self.fps, self.mouth_2d, self.label = preset, fps, mouth_2d, label
        self.tmp = core.temp_folder()
        self.rig: dict | None = None
        self.files: dict[str, str] = {}
        self.stage: core.Stage | None = None
        self.done = False

    def _check_stage(self) -> core.Stage:
        names_file = os.path.join(self.tmp, "names.txt")
        with open(names_file, "w", encoding="utf-8") as f:
            f.write("\n".join(self.names) + "\n")
        command = core.check_rig_command(self.exe, names_file, self.preset)
        return core.Stage("checking the rig", {"rig": command})

    def _animate_stage(self) -> core.Stage:
        wanted = {"json": "json"}
        if self.mouth_2d:
            wanted["cues"] = "rhubarb-json"
        if self.rig and self.rig["visemes"]:
            wanted["ovr"] = "ovr"
        commands = {}
        for key, fmt in wanted.items():
            self.files[key] = os.path.join(self.tmp, f"{key}.{'csv' if fmt == 'ovr' else 'json'}")
            out = self.files[key]
            commands[key] = core.animate_command(self.exe, self.audio, out, fmt, self.fps, self.options)
        return core.Stage("animating", commands)

    def start(self) -> None:
        self.stage = self._check_stage() if self.names else self._animate_stage()
        self.stage.start()

    def step(self) -> bool:
        """Poll the running stage; start the next when it ends. True once all is done.
        Raises :class:`core.AddonError` (one line) when a run failed."""
        if self.done:
            return True
        if self.stage is None:
            self.start()
        if not self.stage.poll():
            return False
        if "rig" in self.stage.outputs:
            self.rig = self._read_rig(*self.stage.outputs["rig"])
            self.stage = self._animate_stage()
            self.stage.start()
            return False
        for code, _out, err in self.stage.outputs.values():
            if code != 0:
                raise core.AddonError(core.error_line(err, f"audioface animate failed (exit {code})"))
        self.done = True
        return True

    def _read_rig(self, code: int, out: str, err: str) -> dict:
        if code not in (0, 1) or not out.strip():
            raise core.AddonError(core.error_line(err, f"audioface check-rig failed (exit {code})"))
        rig = json.loads(out)
        if not rig["drives_mouth"]:
            raise core.AddonError(f"nothing on {self.label}'s shape keys opens the mouth "
                                  f"(rig preset {rig['preset']}); see audioface check-rig")  # fmt: skip
        return rig

    def run(self) -> None:
        """To the end, blocking (a script's call)."""
        self.start()
        while not self.step():
            time.sleep(0.05)

    def result(self) -> dict:
        """What the runs wrote: ``anim`` (our JSON), ``rig`` (check-rig's JSON or None),
        ``cues`` (Rhubarb cues or None), ``visemes`` (names, rows) or None."""
        return {
            "anim": core.read_json(self.files["json"]),
            "rig": self.rig,
            "cues": core.read_json(self.files["cues"])["mouthCues"] if "cues" in self.files else None,
            "visemes": core.read_ovr(self.files["ovr"]) if "ovr" in self.files else None,
        }

    def cancel(self) -> None:
        if self.stage is not None:
            self.stage.cancel()
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
