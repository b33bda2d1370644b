"""The README's "Renaming files" section documents every specifier, with examples the engine
really produces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rename_strategies import reference_facts

from airnef_tui.rename import SPECIFIERS, compile_spec

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
DOC = README.split("\n## Renaming files\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("specifier", SPECIFIERS, ids=lambda specifier: specifier.name)
def test_every_spelling_is_documented(specifier):
    for spelling in specifier.spellings:
        assert f"`@{spelling}@`" in DOC


@pytest.mark.parametrize("specifier", [s for s in SPECIFIERS if not s.context_only],
                         ids=lambda specifier: specifier.name)
def test_registry_examples_are_what_the_engine_prints(specifier):
    rendered = compile_spec(f"@{specifier.name}@", "file").render(reference_facts())
    assert rendered.text == specifier.example


TABLE_ROW = re.compile(
    r"^\| `(@[A-Za-z_]+@)`(?: or `@[A-Za-z_]+@`)? \| [^|]+ \| `([^`]+)` \|$", re.M)


def test_documented_table_examples_are_what_the_engine_prints():
    rows = TABLE_ROW.findall(DOC)
    assert len(rows) >= 30
    for spec, example in rows:
        assert compile_spec(spec, "file").render(reference_facts()).text == example, spec


def test_documented_spec_examples():
    examples = re.findall(r"^\| `(@[^`]+)` \| `([^`]+)` \|$", DOC, re.M)
    assert len(examples) >= 8
    for spec, expected in examples:
        assert compile_spec(spec, "file").render(reference_facts()).text == expected, spec
