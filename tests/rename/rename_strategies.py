"""Shared facts and hypothesis strategies for the rename tests (imported, not a test module)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import strategies as st

from airnef_tui.rename import FileFacts

REFERENCE_TIME = datetime(2015, 9, 24, 14, 5, 13)


def reference_facts(**changes) -> FileFacts:
    """The file of airnef's specifier table: DSC_0014.NEF from a Nikon D7200, serial 35551323,
    shot and downloaded on 2015-09-24 at 14:05:13, the 45th file of the run.

    `make` is what a Nikon really reports ("Nikon Corporation"), not what @cameramake@ prints,
    so that every example goes through the first-word rule."""
    values = dict(camera_filename="DSC_0014.NEF", camera_folder="100D7200",
                  captured=REFERENCE_TIME, downloaded_at=REFERENCE_TIME,
                  make="Nikon Corporation",
                  model="D7200", serial="35551323", slot=1, size=24_117_248, dlnum=45,
                  dlnum_lifetime=5345, dltoday=7, output_dir="/home/me/pics")
    values.update(changes)
    return FileFacts(**values)


# Names a hostile or broken camera could send.
hostile_names = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(list("./\\:*?\"<>| \x00\x01\x7f\x85é\u0301Aa0_-")),
            max_size=30),
    st.sampled_from(["../x", "..", ".", "/abs", "/etc/passwd", "C:\\x", "..\\..\\x", "",
                     " ", "...", "x/../../y", "CON", "nul.txt", "LPT1.JPG", ".hidden",
                     "trail. ", "e\u0301.JPG", "\ud800bad.JPG", "a" * 300 + ".NEF",
                     "日本語" * 40 + ".JPG", "DSC_0014.NEF"]),
)

moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31))


@st.composite
def file_facts(draw, names=hostile_names) -> FileFacts:
    return FileFacts(
        camera_filename=draw(names),
        local_filename=draw(st.one_of(st.none(), names)),
        camera_folder=draw(names),
        captured=draw(st.one_of(st.none(), moments)),
        downloaded_at=draw(moments),
        slot=draw(st.integers(1, 2)),
        size=draw(st.integers(0, 2**40)),
        make=draw(names), model=draw(names), serial=draw(names),
        dlnum=draw(st.integers(1, 10**6)), dlnum_lifetime=draw(st.integers(1, 10**7)),
        dltoday=draw(st.integers(1, 10**4)),
        output_dir=draw(st.sampled_from(["/home/me/pics", "relative/out", ""])),
    )


# Pieces specs are made of, valid and not, so that random specs often compile.
_spec_pieces = st.one_of(
    st.sampled_from(["@filename@", "@capturedate@", "@capturedate_M@", "@capturedate_iso@",
                     "@capturetime_iso@", "@cameramodel@", "@cameraserial@", "@dlnum@",
                     "@filename_root:::u@", "@filename:-3:@", "@filename:1:2:c@",
                     "@capturefilename_ext@", "@camerafolder@", "@cameramake:::l@",
                     "@replace~a~b@", "@replace~DSC~..@", "@replace~_~/@", "@replacere~.*~@",
                     "@replacere~^~.@", "@replacere~(.)~\\1\\1@", "@replacere~[0-9]~/@",
                     "@@", "@", "/", "\\", "..", ".", " ", "-", "_", ":", "x", "é",
                     "e\u0301", "@dldate_woy@", "@capturedate_S@", "@filename_ext_lower@",
                     "@dltoday@", "@capturedate_Dow@", "@nope@", "@filename:x@"]),
    st.text(max_size=4),
)
spec_texts = st.lists(_spec_pieces, max_size=8).map("".join)
