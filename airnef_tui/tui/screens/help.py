"""The help screen (`?` or F1) and the command palette's commands, both read from the bindings.

Why generated: a hand-written key list goes stale the day someone adds a key. Here every section
is built from the `BINDINGS` of the class that owns the keys (the app, the browser, the file list,
the rename pane, the discovery and transfer screens), with the user's `[tui.keys]` keymap applied,
so the help shows the keys that work now. A binding's own description is used, or its tooltip, or
a longer explanation from `EXPLAIN` (keyed by binding id or action) where the short footer word
("Type", "Day") would not tell a newcomer what the key does.

The same bindings become command-palette commands (ctrl+p): the palette lists the actions of the
screen it was opened on and of that screen's widgets (the browser's file list and rename pane),
so everything a key does can also be found by name. Cursor moves are left out: they are keys, not
commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from rich.table import Table
from rich.text import Text
from textual.actions import parse
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Static

from airnef_tui.tui.screens.browser import BrowserScreen
from airnef_tui.tui.screens.discovery import DiscoveryScreen
from airnef_tui.tui.screens.pairing import PairingScreen
from airnef_tui.tui.screens.transfer import TransferScreen
from airnef_tui.tui.widgets.file_list import FileList
from airnef_tui.tui.widgets.preview_pane import PreviewPane

# Longer words for keys whose binding says little or nothing (keyed by binding id, else action).
EXPLAIN = {
    "files.toggle": "Tick or untick the file (on a group heading: the whole group)",
    "files.enter": "Tick or untick the file (on a group heading: the whole group)",
    "files.all": "Tick every file shown",
    "files.none": "Untick every file",
    "files.invert": "Invert the ticks of the files shown",
    "files.range": "Range mode: tick every row between here and the cursor (v or Esc ends it)",
    "files.extend_down": "Tick this file and the next one down",
    "files.extend_up": "Tick this file and the next one up",
    "files.down": "Move down",
    "files.up": "Move up",
    "files.page_down": "Page down",
    "files.page_up": "Page up",
    "files.top": "First row",
    "files.bottom": "Last row",
    "files.filter": "Filter by name, extension or date text (Enter keeps it, Esc clears it)",
    "files.clear": "End range mode, else clear the filter",
    "files.sort": "Sort: capture time → name → size → folder",
    "files.hide": "Hide files downloaded before (✓), or show them again",
    "files.group": "Group: by folder → by day → none",
    "files.same_type": "Tick every shown file of the same extension (again: untick)",
    "files.same_day": "Tick every shown file of the same day (again: untick)",
    "files.fold": "Fold the group",
    "files.unfold": "Unfold the group",
    "app.focus_next": "Next field (in the browser: between the list and the rename pane)",
    "app.focus_previous": "Previous field",
}
# Actions that move a cursor or focus: keys in the help, but no command in the palette.
NOT_COMMANDS = {"move", "page", "top", "bottom", "extend", "focus_step", "focus_next",
                "focus_previous", "collapse"}
KEY_NAMES = {"⏎": "enter", "pgdn": "PgDn", "pgup": "PgUp", "home": "Home", "end": "End",
             "esc": "Esc", "tab": "Tab", "shift+tab": "shift+Tab"}


@dataclass(frozen=True)
class KeySection:
    title: str
    lines: list[tuple[str, str]]  # (keys, what they do)
    note: str = ""


@dataclass(frozen=True)
class SectionSource:
    title: str
    owners: tuple[type[DOMNode], ...]  # whose BINDINGS make the section
    screen: type[Screen] | None  # the screen these keys belong to (None: everywhere)
    note: str = ""


SOURCES = (
    SectionSource("Files (the browser)", (BrowserScreen,), BrowserScreen,
                  "Under 100 columns the rename pane takes the list's place while shown: p, F2, "
                  "Tab or Esc go back to the list."),
    SectionSource("Picking files (while the list has focus)", (FileList,), BrowserScreen),
    SectionSource("Rename pane", (PreviewPane,), BrowserScreen,
                  "Letters typed in the Name, Folder and Into fields are text, not keys: Tab "
                  "or Esc leaves a field; F1 (help), F2 (pane) and ctrl+q work from anywhere."),
    SectionSource("Cameras (the first screen)", (DiscoveryScreen,), DiscoveryScreen,
                  "Enter opens the highlighted camera, or the address typed in the field."),
    SectionSource("Pairing a Canon", (PairingScreen,), PairingScreen),
    SectionSource("Download", (TransferScreen,), TransferScreen),
)


def own_bindings(owner: type[DOMNode]) -> list[Binding]:
    """The bindings that classes of this app declare on `owner` (Textual's own base classes'
    keys, such as a scroll view's, are left to the sections that list them)."""
    found: list[Binding] = []
    for base in reversed(owner.__mro__):
        if base.__module__.startswith("airnef_tui") and "BINDINGS" in base.__dict__:
            found.extend(Binding.make_bindings(base.__dict__["BINDINGS"]))
    return found


def keymapped(app: App, bindings: Iterable[Binding]) -> list[Binding]:
    """`bindings` with the user's keymap (`[tui.keys]`: binding id → keys) applied, in order."""
    keymap = getattr(app, "_keymap", None) or {}
    mapped: list[Binding] = []
    for binding in bindings:
        keys = keymap.get(binding.id) if binding.id else None
        if keys:
            mapped.extend(binding.with_key(key.strip()) for key in keys.split(","))
        else:
            mapped.append(binding)
    return mapped


def key_name(app: App, binding: Binding) -> str:
    shown = app.get_key_display(binding)
    if shown.startswith("^") and len(shown) > 1:
        shown = "ctrl+" + shown[1:]
    return KEY_NAMES.get(shown, shown.upper() if shown in {f"f{n}" for n in range(1, 13)}
                         else shown)


def describe(binding: Binding) -> str:
    if binding.tooltip:
        return binding.tooltip
    explained = EXPLAIN.get(binding.id or "") or EXPLAIN.get(binding.action)
    if explained:
        return explained
    if binding.description:
        return binding.description
    return binding.action.replace("_", " ").replace("(", " ").replace(")", "").strip()


def key_lines(app: App, bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """(keys, what) rows: a key bound twice (on/off) shows both meanings, and keys that do the
    same thing share a row."""
    by_key: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.system:
            continue
        meanings = by_key.setdefault(key_name(app, binding), [])
        what = describe(binding)
        if what not in meanings:
            meanings.append(what)
    by_meaning: dict[str, list[str]] = {}
    for key, meanings in by_key.items():
        by_meaning.setdefault(" / ".join(meanings), []).append(key)
    return [("  ".join(keys), what) for what, keys in by_meaning.items()]


def key_sections(app: App, current: type[Screen] | None = None) -> list[KeySection]:
    """Every key of the app, the sections of the `current` screen first."""
    everywhere = [binding for _key, binding in app._bindings]
    everywhere += [binding for binding in Binding.make_bindings(Screen.BINDINGS)
                   if "super" not in binding.key and "copy" not in binding.action]
    sections = [KeySection("Everywhere", key_lines(app, keymapped(app, everywhere)))]
    sources = sorted(SOURCES, key=lambda source: source.screen is not current)
    for source in sources:
        bindings = [b for owner in source.owners for b in own_bindings(owner)]
        lines = key_lines(app, keymapped(app, bindings))
        title = source.title + (" · this screen" if source.screen is current else "")
        sections.append(KeySection(title, lines, source.note))
    return sections


def section_table(section: KeySection) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for keys, what in section.lines:
        table.add_row(Text(keys), Text(what))
    return table


class HelpScreen(Screen[None]):
    """Every key, by screen; Esc, q, ? or F1 closes it. Plain text that never changes while it
    is open: nothing here repaints on its own."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close"),
    ]
    DEFAULT_CSS = """
    HelpScreen #help-title { height: auto; padding: 0 1; background: $panel; }
    HelpScreen #help-body { height: 1fr; padding: 0 1; }
    HelpScreen .help-section { height: auto; }
    HelpScreen .help-heading { height: auto; margin: 1 0 0 0; text-style: bold; color: $accent; }
    HelpScreen .help-note { height: auto; color: $text-muted; }
    """

    def __init__(self, sections: list[KeySection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Keys", "bold"), " · Esc or q closes · ctrl+p finds an "
                                   "action by name"), id="help-title")
        with VerticalScroll(id="help-body"):
            for section in self.sections:
                yield Static(section.title, classes="help-heading", markup=False)
                yield Static(section_table(section), classes="help-section")
                if section.note:
                    yield Static(section.note, classes="help-note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def text(self) -> str:
        """The help as plain text (what a person reads; for tests)."""
        return "\n".join(
            "\n".join([section.title] + [f"{keys}  {what}" for keys, what in section.lines]
                      + ([section.note] if section.note else []))
            for section in self.sections)


def binding_commands(app: App, screen: Screen) -> Iterator[SystemCommand]:
    """A palette command for each enabled action of `screen` and of its widgets."""
    nodes: list[DOMNode] = [screen]
    nodes += [widget for widget in screen.query("*") if own_bindings(type(widget))]
    seen: set[tuple[int, str]] = set()
    for node in nodes:
        for binding in keymapped(app, own_bindings(type(node))):
            _namespace, name, parameters = parse(binding.action)
            if name in NOT_COMMANDS or (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            if not node.check_action(name, parameters):
                continue
            yield SystemCommand(describe(binding), f"key: {key_name(app, binding)}",
                                partial(app.run_action, binding.action, node))
