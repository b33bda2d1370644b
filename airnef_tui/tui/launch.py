"""`airnef-tui` without a subcommand: the discovery screen, a camera's files, or the demo.

Textual is imported only after the environment is settled (its frame rate is read at import), and
only here and below, so the headless commands never pay for it.

What the UI starts with comes from config.toml's `[tui]` section, overridden by the command line
(`-o`, `--preset`, `--name`, `--dir-spec`). A mistake on the command line is one line and exit 2
before anything starts; a mistake in the file is shown in the UI and that setting left at its
default, so a typo in a file written months ago never keeps the UI from starting.
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

from airnef_tui import paths
from airnef_tui.camera.address import parse_address
from airnef_tui.config import TuiSettings, load_tui_settings
from airnef_tui.discovery.scope import scope_from
from airnef_tui.exitcodes import ExitCode
from airnef_tui.rename import PresetError, SpecError, compile_optional
from airnef_tui.rename.presets import find_preset

# A key's second frame (the status line and the preview, drawn after the row) waits for the
# next frame slot: at 30 a paced key settled in 83 ms, at 60 in under 50 ms. Nothing animates,
# so the rate does not add frames of its own: the bytes per key measured the same at 30 and 120
# (benchmarks/tui.py).
FRAMES_PER_SECOND = "60"


def _fail(message: str) -> int:
    print(f"airnef-tui: {message}", file=sys.stderr)
    return ExitCode.BAD_ARGUMENTS


class UsageError(ValueError):
    """A command-line mistake: one line, exit 2, before the UI starts."""


def _checked_spec(text: str, kind: str, option: str) -> str:
    try:
        compile_optional(text, kind)  # type: ignore[arg-type]
    except SpecError as error:
        raise UsageError(f"{option} {text!r}: {error}") from None
    return text


def _file_specs(settings: TuiSettings, where: str) -> tuple[str, str, str | None, list[str]]:
    """(name spec, folder spec, preset name, problems) from the file's [tui] section."""
    specs = {"file_spec": "", "dir_spec": ""}
    preset_name, problems = None, []
    if settings.preset is not None:
        try:
            preset = find_preset(settings.preset, settings.config_path)
        except PresetError as error:
            problems.append(f"{where} preset: {error}")
        else:
            specs = {"file_spec": preset.file_spec, "dir_spec": preset.dir_spec}
            preset_name = preset.name
    for key, kind in (("file_spec", "file"), ("dir_spec", "dir")):
        text = getattr(settings, key)
        if text is None:
            continue
        try:
            compile_optional(text, kind)  # type: ignore[arg-type]
        except SpecError as error:
            problems.append(f"{where} {key} {text!r}: {error}")
        else:
            specs[key] = text
    return specs["file_spec"], specs["dir_spec"], preset_name, problems


def startup_settings(args: argparse.Namespace, config: Path) -> TuiSettings:
    """config.toml's [tui] section with the command line's specs over it (`--preset` replaces
    both of the file's specs, `--name`/`--dir-spec` one each). UsageError for a bad option."""
    settings = load_tui_settings(config)
    where = f"{config} [tui]"
    cli_preset: str | None = getattr(args, "tui_preset", None)
    if cli_preset is not None:
        try:
            preset = find_preset(cli_preset, config)
        except PresetError as error:
            raise UsageError(f"--preset {cli_preset}: {error}") from None
        file_spec, dir_spec, preset_name, problems = preset.file_spec, preset.dir_spec, \
            preset.name, []
    else:
        file_spec, dir_spec, preset_name, problems = _file_specs(settings, where)
    name_option: str | None = getattr(args, "tui_name_spec", None)
    dir_option: str | None = getattr(args, "tui_dir_spec", None)
    if name_option is not None:
        file_spec = _checked_spec(name_option, "file", "--name")
    if dir_option is not None:
        dir_spec = _checked_spec(dir_option, "dir", "--dir-spec")
    output = settings.output
    if output is not None and output.exists() and not output.is_dir():
        problems.append(f"{where} output {str(output)!r}: not a folder; using the current one")
        output = None
    return replace(settings, output=output, file_spec=file_spec, dir_spec=dir_spec,
                   preset=preset_name, problems=settings.problems + tuple(problems))


def _binding_ids() -> set[str]:
    """Every binding id of every widget, screen and app class loaded: the keymap works for
    any binding with an id, so any of them may be named in [tui.keys]."""
    from textual.dom import DOMNode

    ids, pending = set(), [DOMNode]
    while pending:
        node_class = pending.pop()
        pending.extend(node_class.__subclasses__())
        ids.update(binding.id for binding in vars(node_class).get("BINDINGS", ())
                   if getattr(binding, "id", None))
    return ids


def _unknown_id(binding_id: str, known: set[str]) -> str:
    close = difflib.get_close_matches(binding_id, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"the ids: {', '.join(sorted(known))}"
    return f"no key has the id {binding_id!r} ({hint})"


def with_keymap_problems(settings: TuiSettings) -> TuiSettings:
    """`settings` plus one problem per [tui.keys] id that no binding has (a typo would
    otherwise do nothing, silently)."""
    known = _binding_ids()
    where = f"{settings.config_path} [tui.keys]"
    problems = [f"{where}: {_unknown_id(binding_id, known)}"
                for binding_id in settings.keys if binding_id not in known]
    return replace(settings, problems=settings.problems + tuple(problems))


def demo_shoot_every(text: str | None, *, demo: bool) -> float | None:
    """Seconds between the demo camera's shots (None: never), from `--demo-shoot-every`, which
    lets a person, or a test, see watch mode work without waiting the default 30 s. Only the
    demo has a camera that shoots, so the option alone is a mistake, not something to ignore.
    UsageError for a bad value."""
    if text is None:
        from airnef_tui.tui.demo import DEMO_SHOOT_EVERY

        return DEMO_SHOOT_EVERY
    if not demo:
        raise UsageError("--demo-shoot-every needs --demo (only the demo camera shoots)")
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (seconds >= 0 and math.isfinite(seconds)):
        raise UsageError(f"--demo-shoot-every {text!r}: not a number of seconds (0: never)")
    return seconds or None


def output_folder(option: Path | None, settings: TuiSettings) -> Path:
    """Where the UI downloads to: -o, else config.toml's `output`, else the current folder."""
    return option or settings.output or Path.cwd()


def run_tui(args: argparse.Namespace) -> int:
    demo: bool = bool(getattr(args, "demo", False))
    camera: str | None = getattr(args, "camera", None)
    output: str | None = getattr(args, "tui_output", None)
    if demo and camera:
        return _fail("choose either --demo or --camera, not both")
    try:
        address = parse_address(camera) if camera else None
        scope = scope_from(getattr(args, "tui_interfaces", None))
        shoot_every = demo_shoot_every(getattr(args, "demo_shoot_every", None), demo=demo)
        # Read before the demo points AIRNEF_TUI_HOME elsewhere: presets are the user's own.
        settings = startup_settings(args, paths.config_path())
    except ValueError as error:
        return _fail(str(error))
    output_dir = Path(output).expanduser().absolute() if output else None
    if output_dir is not None and output_dir.exists() and not output_dir.is_dir():
        return _fail(f"-o {output}: not a folder")
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)

    from airnef_tui.app.camera_access import CameraAccess
    from airnef_tui.tui.app import AirnefApp

    settings = with_keymap_problems(settings)
    if demo:
        return _run_demo(output_dir, settings, shoot_every)
    output_dir = output_folder(output_dir, settings)
    if address is not None:
        return _run(AirnefApp(CameraAccess(address), output_dir, settings=settings))
    return _run(AirnefApp(None, output_dir, scope=scope, settings=settings))


def _run_demo(output_dir: Path | None, settings: TuiSettings,
              shoot_every: float | None) -> int:
    """The demo camera advertises itself on loopback and discovery looks only there, so the
    first screen shows it within a second, as a real camera would appear. Its downloads go to
    -o or a temporary folder, never to config.toml's `output`: a demo must not fill a real
    photo folder with simulated shots."""
    from airnef_tui.discovery.scope import Scope
    from airnef_tui.tui.app import AirnefApp
    from airnef_tui.tui.demo import DEMO_NOTE, DemoCamera

    with DemoCamera(output_dir=output_dir, shoot_every=shoot_every) as simulated:
        assert simulated.output_dir is not None
        sighting = simulated.sighting
        app = AirnefApp(None, simulated.output_dir, scope=Scope(("127.0.0.1",)),
                        seeds=[sighting], notes={sighting.key: DEMO_NOTE}, settings=settings)
        code = _run(app)
    _mention_demo_downloads(simulated.output_dir, kept=output_dir is not None)
    return code


def _run(app) -> int:
    """Run the app; afterwards stop any download and close the camera session."""
    try:
        app.run()
    finally:
        if app.access is not None:
            app.access.shutdown()
    return app.return_code or ExitCode.OK


def _mention_demo_downloads(output_dir: Path, *, kept: bool) -> None:
    if any(output_dir.iterdir()):
        print(f"airnef-tui demo: the downloaded photos are in {output_dir}")
    elif not kept:
        try:
            output_dir.rmdir()
        except OSError:
            pass
