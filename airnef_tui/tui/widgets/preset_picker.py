"""Choosing and saving presets: the pane's "Preset" line and the two small dialogs behind it.

The picker is a bordered dialog in the middle of the screen rather than a drop-down: a `Select`
overlay drew over the preview without a border and wrapped long descriptions over two or three
lines. Here every preset is one line (name, then its description cut with an ellipsis), and the
specs of the highlighted one are spelled out underneath, so a person sees what a preset does
before it replaces anything. Names and descriptions come from the user's file: they are shown as
plain text (never markup) with control characters replaced.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from airnef_tui.rename import Preset, PresetError
from airnef_tui.rename.presets import check_preset_name

NAME_COLUMN_MAX = 24
NO_PRESET = "typed specs"


def one_line(text: str) -> str:
    """Whitespace runs (newlines too) become one space; control and bidi characters become '?'."""
    return "".join(char if char.isprintable() else "?" for char in " ".join(text.split()))


def spec_lines(file_spec: str, dir_spec: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("Name    ", style="dim")
    text.append(file_spec or "(the camera's names)")
    text.append("\nFolder  ", style="dim")
    text.append(dir_spec or "(none: straight into the output folder)")
    return text


class PresetRow(Horizontal):
    """The pane's "Preset" line: which preset the specs match, as a button opening the picker."""

    DEFAULT_CSS = """
    PresetRow > #preset {
        width: 1fr;
        text-align: left;
        content-align: left middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("Preset", classes="field-label")
        yield Button(NO_PRESET, id="preset", compact=True)

    _shown: tuple[str | None, str] | None = None

    def show(self, preset: Preset | None, key: str) -> None:
        """`key` opens the picker; it is named on the button so nobody has to guess it. The
        pane calls this after every (debounced) keystroke: only a change is repainted."""
        shown = (preset.name if preset is not None else None, key)
        if shown == self._shown:
            return
        self._shown = shown
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(one_line(preset.name) if preset is not None else NO_PRESET,
                     style="bold" if preset is not None else "italic")
        label.append(f" ▾ {key}", style="dim")
        self.query_one("#preset", Button).label = label


class PresetPicker(ModalScreen[str | None]):
    """Every preset on one line; Enter picks (the pane applies it), Escape leaves all as it was."""

    DEFAULT_CSS = """
    PresetPicker {
        align: center middle;
    }
    PresetPicker > #preset-box {
        width: 90%;
        max-width: 100;
        height: auto;
        max-height: 90%;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text;
        background: $surface;
    }
    PresetPicker #preset-options {
        height: auto;
        max-height: 12;
        border: none;
        padding: 0;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    PresetPicker #preset-specs {
        height: 2;
        margin: 1 0 0 0;
    }
    PresetPicker #preset-hint {
        height: 1;
        color: $text-muted;
    }
    """
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self, presets: Sequence[Preset], current: str | None) -> None:
        super().__init__()
        self.presets = list(presets)
        self.current = current

    def compose(self) -> ComposeResult:
        width = min(NAME_COLUMN_MAX, max((len(p.name) for p in self.presets), default=0))
        options = [Option(self._prompt(preset, width), id=preset.name) for preset in self.presets]
        with Vertical(id="preset-box") as box:
            box.border_title = "Presets"
            yield OptionList(*options, id="preset-options")
            yield Static("", id="preset-specs")
            yield Static("Enter uses it · Escape keeps your specs", id="preset-hint")

    def _prompt(self, preset: Preset, width: int) -> Text:
        prompt = Text(no_wrap=True, overflow="ellipsis")
        prompt.append("● " if preset.name == self.current else "  ", style="bold")
        prompt.append(f"{one_line(preset.name):<{width}}", style="bold")
        prompt.append("  ")
        prompt.append(one_line(preset.description), style="dim")
        if not preset.builtin:
            prompt.append("  (yours)", style="italic dim")
        return prompt

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [preset.name for preset in self.presets]
        options.highlighted = names.index(self.current) if self.current in names else 0
        options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        preset = next(p for p in self.presets if p.name == event.option.id)
        self.query_one("#preset-specs", Static).update(
            spec_lines(one_line(preset.file_spec), one_line(preset.dir_spec)))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class SavePresetScreen(ModalScreen[Preset | None]):
    """Asks a name (and a one-line description) for the current specs; Escape saves nothing.

    A name that is taken is not overwritten on the first Enter: the dialog says whose it is
    (yours, or built in) and a second Enter confirms."""

    DEFAULT_CSS = """
    SavePresetScreen {
        align: center middle;
    }
    SavePresetScreen > #save-box {
        width: 80%;
        max-width: 80;
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text;
        background: $surface;
    }
    SavePresetScreen #save-specs {
        height: 2;
        margin: 0 0 1 0;
    }
    SavePresetScreen #save-problem {
        height: auto;
        color: $warning;
    }
    SavePresetScreen #save-hint {
        height: 1;
        color: $text-muted;
    }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", show=False)]

    def __init__(self, file_spec: str, dir_spec: str, presets: Sequence[Preset],
                 suggestion: Preset | None = None) -> None:
        """`suggestion`, the user's preset the specs came from, pre-fills the name: saving
        an edited preset under its own name is the usual case."""
        super().__init__()
        self.file_spec = file_spec
        self.dir_spec = dir_spec
        self.presets = list(presets)
        self.suggestion = suggestion
        self._confirmed: str | None = None

    def compose(self) -> ComposeResult:
        name = self.suggestion.name if self.suggestion else ""
        about = self.suggestion.description if self.suggestion else ""
        with Vertical(id="save-box") as box:
            box.border_title = "Save the specs as a preset"
            yield Static(spec_lines(self.file_spec, self.dir_spec), id="save-specs")
            with Horizontal(classes="field-row"):
                yield Label("Preset", classes="field-label")
                yield Input(name, compact=True, id="preset-name",
                            placeholder="a short name, e.g. wedding")
            with Horizontal(classes="field-row"):
                yield Label("About", classes="field-label")
                yield Input(about, compact=True, id="preset-description",
                            placeholder="one line: what it is for")
            yield Static("", id="save-problem")
            yield Static("Enter saves into config.toml · Escape cancels", id="save-hint")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#preset-name", Input).focus()

    @on(Input.Changed, "#preset-name")
    def _renamed(self) -> None:
        self._confirmed = None
        self.query_one("#save-problem", Static).update("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        name = self.query_one("#preset-name", Input).value.strip()
        problem = self.query_one("#save-problem", Static)
        try:
            check_preset_name(name)
        except PresetError as error:
            problem.update(Text(f"✗ {error}"))
            self.query_one("#preset-name", Input).focus()
            return
        taken = next((preset for preset in self.presets if preset.name == name), None)
        if taken is not None and self._confirmed != name:
            whose = "is built in" if taken.builtin else "is already one of yours"
            problem.update(Text(f"'{one_line(name)}' {whose}: Enter again to save over it, "
                                "or change the name"))
            self._confirmed = name
            return
        description = one_line(self.query_one("#preset-description", Input).value)
        self.dismiss(Preset(name, description, self.file_spec, self.dir_spec))

    def action_close(self) -> None:
        self.dismiss(None)
