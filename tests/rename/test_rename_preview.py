"""The preview model: targets, errors, collisions and what --if-exists would do, kept current
incrementally while specs are typed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rename_strategies import REFERENCE_TIME, file_facts, reference_facts, spec_texts

from airnef_tui.rename import SpecError, TargetError, compile_optional, compile_spec, plan_target
from airnef_tui.rename.preview import DATE_FALLBACK_WARNING, Outcome, PreviewModel, PreviewRow

OUT = Path("/pics")


def card(*names: str, **changes):
    return [reference_facts(camera_filename=name, dlnum=index + 1,
                            captured=REFERENCE_TIME + timedelta(seconds=index), **changes)
            for index, name in enumerate(names)]


def model_for(files, name=None, folder=None, on_disk=(), policy="uniquename", suffix=""):
    disk = {OUT / path for path in on_disk}
    return PreviewModel(OUT, files, exists=disk.__contains__, policy=policy, suffix=suffix,
                        name_spec=compile_optional(name, "file"),
                        dir_spec=compile_optional(folder, "dir"))


def test_rows_show_camera_path_target_and_spans():
    model = model_for(card("DSC_0001.NEF", "DSC_0002.JPG"), "@dlnum@_@filename@",
                      "@cameramodel@")
    row = model.row(1)
    assert row.camera_path == "100D7200/DSC_0002.JPG"
    assert row.target == "D7200/0002_DSC_0002.JPG"
    assert row.outcome is Outcome.WRITE and row.final_target == row.target and row.note == ""
    assert [row.target[s.start:s.end] for s in row.spans] == \
        ["D7200", "/", "0002", "_", "DSC_0002.JPG"]
    assert model.path(1) == OUT / "D7200" / "0002_DSC_0002.JPG"
    assert model.row(1, with_spans=False) == PreviewRow(
        1, row.camera_path, row.target, None, (), (), (), False, Outcome.WRITE, row.target, "", ())
    assert len(model) == 2 and model.error_count == 0 and model.duplicate_count == 0


def test_rows_in_error_say_why_and_do_not_stop_the_others():
    model = model_for(card("A.NEF", "LONGER_NAME.NEF"), "@filename:5:@")
    assert model.row(0).outcome is Outcome.ERROR
    assert "empty name" in model.row(0).error
    assert model.row(1).target == "R_NAME.NEF"
    assert isinstance(model.target(0), TargetError) and model.error_count == 1
    assert model.path(0) is None


def test_duplicate_targets_under_each_policy():
    files = card("DSC_0001.NEF", "DSC_0001.JPG", "DSC_0002.NEF", "DSC_0001.MOV")
    spec = "@filename_root@"   # the three DSC_0001 files collide
    unique = model_for(files, spec)
    assert unique.duplicate_count == 2
    first, second, _, fourth = unique.rows(0, 4)
    assert first.outcome is Outcome.WRITE and first.same_target_as == (1, 3)
    assert first.note == "same target as row 2, which would come after it"
    assert second.outcome is Outcome.RENAME and second.final_target == "DSC_0001-new-1"
    assert second.note == "same target as row 1 → would become DSC_0001-new-1"
    assert fourth.final_target == "DSC_0001-new-2"
    assert model_for(files, spec, policy="skip").row(1).outcome is Outcome.SKIP
    assert model_for(files, spec, policy="skip").row(1).note == \
        "same target as row 1 → would be skipped"
    assert model_for(files, spec, policy="overwrite").row(3).outcome is Outcome.OVERWRITE
    assert model_for(files, spec, policy="exit").row(1).note == \
        "same target as row 1 → would stop the run"


def test_existing_local_files_under_each_policy():
    files = card("DSC_0001.NEF", "DSC_0002.NEF")
    on_disk = ["DSC_0001.NEF", "DSC_0001-new-1.NEF"]
    row = model_for(files, on_disk=on_disk).row(0)
    assert row.exists_locally and row.outcome is Outcome.RENAME
    assert row.final_target == "DSC_0001-new-2.NEF"
    assert row.note == "exists locally → would become DSC_0001-new-2.NEF"
    assert model_for(files, on_disk=on_disk, policy="skip").row(0).note == \
        "exists locally → would be skipped"
    assert model_for(files, on_disk=on_disk, policy="overwrite").row(0).note == \
        "exists locally → would be overwritten"
    stop = model_for(files, on_disk=on_disk, policy="exit").row(0)
    assert stop.outcome is Outcome.STOP and stop.final_target is None
    assert model_for(files, on_disk=on_disk).row(1).outcome is Outcome.WRITE


def test_new_names_skip_those_planned_by_earlier_rows():
    files = card("X.NEF", "X-new-1.NEF", "X.NEF")
    model = model_for(files, folder="@cameramodel@")
    assert model.row(2).final_target == "D7200/X-new-2.NEF"


def test_existing_file_and_duplicates_together():
    files = card("X.NEF", "X.NEF")
    model = model_for(files, on_disk=["X.NEF"])
    assert model.row(0).final_target == "X-new-1.NEF"
    assert model.row(1).final_target == "X-new-2.NEF"


def test_names_differing_only_in_case_are_flagged():
    files = card("DSC_0001.JPG", "DSC_0001.jpg", "OTHER.JPG")
    model = model_for(files)
    assert model.row(1).case_clash_with == (0,)
    assert "differs only in letter case from row 1" in model.row(1).note
    assert model.row(2).case_clash_with == ()


def test_unknown_capture_date_is_warned_only_when_a_capture_specifier_is_used():
    files = [reference_facts(captured=None)]
    assert model_for(files, "@capturedate@").row(0).warnings == (DATE_FALLBACK_WARNING,)
    assert model_for(files, "@filename@").row(0).warnings == ()
    assert model_for(files, None, "@capturedate_y@").row(0).warnings == (DATE_FALLBACK_WARNING,)


def test_exists_is_only_asked_for_rows_looked_at_and_remembered():
    asked = []

    def exists(path: Path) -> bool:
        asked.append(path)
        return False

    files = card(*(f"DSC_{n:04d}.NEF" for n in range(100)))
    model = PreviewModel(OUT, files, exists=exists)
    model.set_specs(compile_spec("@dlnum@", "file"), None)
    assert asked == []
    model.rows(10, 13)
    model.rows(10, 13)
    assert asked == [OUT / "0011", OUT / "0012", OUT / "0013"]
    model.forget_existence()
    model.row(10)
    assert len(asked) == 4


def test_summary_counts_every_row():
    files = card("A.NEF", "LONGNAME.NEF", "LONGNAME.NEF", "XXXXXXOK.NEF")
    model = model_for(files, "@filename:6:@", on_disk=["ME.NEF"], policy="skip")
    summary = model.summary()
    assert (summary.total, summary.errors, summary.existing, summary.duplicates) == (4, 1, 2, 1)
    assert summary.outcomes[Outcome.ERROR] == 1
    assert summary.outcomes[Outcome.SKIP] == 2
    assert summary.outcomes[Outcome.WRITE] == 1
    files = card("A.NEF", "A.NEF", "A.NEF")
    assert model_for(files).summary().outcomes[Outcome.RENAME] == 2


def test_thumbnail_suffix_applies_to_every_row():
    model = model_for(card("DSC_0001.NEF", "DSC_0001.JPG"), suffix=".sthumb.jpg")
    assert model.target(0) == "DSC_0001.sthumb.jpg"
    assert model.row(1).same_target_as == (0,)


def test_policy_and_file_changes():
    model = model_for(card("A.NEF", "A.NEF"))
    model.set_policy("skip")
    assert model.row(1).outcome is Outcome.SKIP
    with pytest.raises(ValueError):
        model.set_policy("prompt")  # type: ignore[arg-type]
    model.set_files(card("B.NEF"))
    assert model.targets == ["B.NEF"]


def _compiled(text, kind):
    try:
        return compile_optional(text, kind)
    except SpecError:
        return None


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60, deadline=None)
@given(st.lists(file_facts(), min_size=1, max_size=5),
       st.lists(st.tuples(st.one_of(st.none(), spec_texts), st.one_of(st.none(), spec_texts)),
                min_size=1, max_size=5),
       st.sampled_from(["", ".lthumb.jpg"]))
def test_incremental_updates_equal_a_fresh_model_and_plan_target(files, edits, suffix):
    exists = {OUT / "DSC_0014.NEF"}.__contains__
    model = PreviewModel(OUT, files, exists=exists, suffix=suffix)
    for name_text, dir_text in edits:
        name_spec, dir_spec = _compiled(name_text, "file"), _compiled(dir_text, "dir")
        model.set_specs(name_spec, dir_spec)
        fresh = PreviewModel(OUT, files, exists=exists, suffix=suffix, name_spec=name_spec,
                             dir_spec=dir_spec)
        assert model.targets == fresh.targets
        assert model.rows(0, len(files)) == fresh.rows(0, len(files))
        for index, facts in enumerate(files):
            planned = plan_target(facts, name_spec, dir_spec, OUT, suffix)
            if isinstance(planned, TargetError):
                assert model.target(index) == planned
            else:
                assert model.path(index) == planned
                assert model.row(index).target == planned.relative_to(OUT).as_posix()
