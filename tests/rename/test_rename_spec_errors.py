"""Every kind of spec mistake: its message, and the exact span the preview underlines."""

from __future__ import annotations

import pytest
from rename_strategies import reference_facts

from airnef_tui.rename import SpecError, compile_spec


def error_of(text: str, kind: str = "file") -> SpecError:
    with pytest.raises(SpecError) as caught:
        compile_spec(text, kind)
    return caught.value


# (spec, kind, code, underlined text, words the message must hold)
ERRORS = [
    ("IMG_@filname@", "file", "unknown_specifier", "@filname@",
     "unknown specifier @filname@ (did you mean @filename@?)"),
    ("x@capturedate_mnth@", "file", "unknown_specifier", "@capturedate_mnth@",
     "did you mean @capturedate_month@"),
    ("@zzzzzz@", "file", "unknown_specifier", "@zzzzzz@", "unknown specifier @zzzzzz@"),
    ("ab@filename", "file", "unclosed", "@filename", "missing closing @"),
    ("a@", "file", "unclosed", "@", "missing closing @"),
    ("@filename:x:2@", "file", "bad_subscript", "x", "subscript 'x' is not a whole number"),
    ("@filename:1:2.5@", "file", "bad_subscript", "2.5", "not a whole number"),
    ("@filename:1:2:u:9@", "file", "too_many_fields", ":9", "too many fields"),
    ("@filename:::uz@", "file", "bad_option", "z", "unknown case option 'z'"),
    ("@:1:2@", "file", "missing_name", "@:1:2@", "missing specifier name"),
    ("@replacere~a(b~c@", "file", "bad_regex", "(b", "bad regular expression"),
    ("@replacere~(a)~\\2@", "file", "bad_regex", "2", "bad replacement"),
    ("@replace~~x@", "file", "bad_replace", "", "nothing to find"),
    ("@replace~a@", "file", "bad_replace", "@replace~a@", "needs a replacement"),
    ("@replace@", "file", "bad_replace", "@replace@", "@replace~find~new@"),
    ("@replace~a~b~c@", "file", "too_many_fields", "~c", "too many ~ fields"),
    ("@replace:1:2~a~b@", "file", "bad_field", ":1:2~a~b", "takes no subscripts"),
    ("@filename~a~b@", "file", "bad_field", "~a~b", "only @replace@"),
    ("@capturedate_Dow@", "file", "ambiguous_case", "@capturedate_Dow@",
     "write @capturedate_dow@ for the number or @capturedate_dayofweek@ for the name"),
    ("@capturedate_y@/@filename@", "file", "separator_in_name", "/", "put folders in the"),
    ("a\\b", "file", "separator_in_name", "\\", "cannot hold"),
    ("@pf@", "dir", "context_only", "@pf@", "only usable in --downloadexec"),
    ("@path@/x", "file", "context_only", "@path@", "--downloadexec"),
]


@pytest.mark.parametrize(("text", "kind", "code", "underlined", "message"), ERRORS)
def test_error_kind_message_and_span(text, kind, code, underlined, message):
    error = error_of(text, kind)
    assert error.code == code
    assert message in error.message
    assert text[error.position:error.end] == underlined
    assert 0 <= error.position <= error.end <= len(text)


def test_regex_error_points_at_the_offending_character():
    text = "@replacere~ab)c~x@"
    error = error_of(text)
    assert text[error.position] == ")"
    assert text[error.position:error.end] == ")c"


def test_str_is_one_line_with_a_one_based_column():
    error = error_of("IMG_@filname@")
    assert str(error) == ("spec error at column 5: unknown specifier @filname@ "
                          "(did you mean @filename@?)")


def test_control_characters_in_a_bad_name_stay_on_one_line():
    error = error_of("@file\nname@")
    assert "\n" not in str(error)
    assert "\\n" in str(error)


def test_several_suggestions_are_listed_with_or():
    error = error_of("@capturetim@")
    assert "(did you mean @capturetime@, @capturetime_h@ or @capturetime_m@?)" in error.message


def test_path_specifiers_work_in_text_specs():
    facts = reference_facts()
    assert compile_spec("@pf@", "text").render(facts).text == "/home/me/pics/DSC_0014.NEF"
    assert compile_spec("@path@", "text").render(facts).text == "/home/me/pics"


def test_a_replacement_may_hold_a_colon_and_a_subscript_may_be_signed():
    facts = reference_facts()
    assert compile_spec("@filename:+4:-4@@replace~0014~a:b@", "text").render(facts).text == "a:b"


def test_huge_subscripts_act_as_open_bounds():
    facts = reference_facts()
    digits = "9" * 5000
    spec = compile_spec(f"@filename:-{digits}:{digits}@", "file")
    assert spec.render(facts).text == "DSC_0014.NEF"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="kind"):
        compile_spec("@filename@", "folder")  # type: ignore[arg-type]
