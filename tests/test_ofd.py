"""OFD (GB/T 33190) read like PDF: every cell exact against the model it was written from, the same findings as the
text rendering, tables broken across pages stitched, and hostile packages refused by their limits, never hanging."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.render_ofd import ofd_bytes
from nianbao.engine.testing.samples import SampleSpec, make_report

TABLES = ("proactive", "applications", "review_litigation")


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


@pytest.mark.parametrize(("year", "seed"), [(2020, 1), (2021, 2), (2023, 7), (2024, 11)])
def test_every_cell_is_read_exactly_and_judged_as_the_text_is(tmp_path, checker, year, seed):
    truth = make_report(SampleSpec("青禾市人民政府办公室（青禾市政务服务管理局）", year, seed=seed))
    truth.applications["received_new"]["natural_person"] += 3  # one broken identity, for the findings to agree on
    (tmp_path / "r.ofd").write_bytes(ofd_bytes(truth))
    (tmp_path / "r.txt").write_text(render_text(truth), encoding="utf-8")
    read = checker.check_file(tmp_path / "r.ofd")
    assert read.error is None and read.report.source.format == "ofd" and read.report.source.pages >= 3
    for table in TABLES:
        assert getattr(read.report, table) == getattr(truth, table), table
    assert read.report.agency == checker.check_file(tmp_path / "r.txt").report.agency
    text = checker.check_file(tmp_path / "r.txt")
    assert sorted((f.rule, f.message) for f in read.findings) == sorted((f.rule, f.message) for f in text.findings)
    assert read.findings and read.report.cell_anchors  # every table cell placed on its page


def test_a_tight_table_whose_rows_are_under_5_mm_reads_every_cell(tmp_path, checker, monkeypatch):
    """Rows 4.8 mm high (0.6 mm padding, a 3.6 mm line; a dense table 三): laid out in millimetres, two borders under
    5 units apart were one doubled border, and each row ran into the next."""
    from nianbao.engine.testing import render_ofd

    monkeypatch.setattr(render_ofd, "PAD", 0.6)
    monkeypatch.setattr(render_ofd, "CELL_LINE", 3.6)
    truth = make_report(SampleSpec("青禾市人民政府办公室（青禾市政务服务管理局）", 2023, seed=7))
    (tmp_path / "r.ofd").write_bytes(ofd_bytes(truth))
    read = checker.check_file(tmp_path / "r.ofd")
    assert read.error is None
    for table in TABLES:
        assert getattr(read.report, table) == getattr(truth, table), table


def test_text_drawn_twice_to_look_bold_is_read_once(tmp_path, checker):
    """Every text object drawn again a quarter point to the right (bold by hand, with a font that has no bold face):
    each character was read twice over ("2024" as "22002244"); it is read once, every cell as without."""
    truth = make_report(SampleSpec("青禾市人民政府办公室（青禾市政务服务管理局）", 2023, seed=7))
    (tmp_path / "bold.ofd").write_bytes(ofd_bytes(truth, overdrawn=True))
    (tmp_path / "plain.ofd").write_bytes(ofd_bytes(truth))
    read, once = checker.check_file(tmp_path / "bold.ofd"), checker.check_file(tmp_path / "plain.ofd")
    assert read.error is None
    for table in TABLES:
        assert getattr(read.report, table) == getattr(truth, table), table
    assert [s.text for s in read.report.sections] == [s.text for s in once.report.sections]
    assert (read.report.title, read.report.agency) == (once.report.title, once.report.agency)


def _package(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def good() -> dict[str, bytes]:
    return _members(ofd_bytes(make_report(SampleSpec("青禾市水利局", 2022, seed=4))))


def _page(members: dict[str, bytes]) -> str:
    return next(name for name in members if name.endswith("Content.xml"))


def test_hostile_packages_are_refused_by_their_limits(tmp_path, checker, good):
    page = _page(good)
    cases = {
        "garbage": b"PK\x03\x04 not a zip at all",
        "no-root": _package({"OFD.xml": "<OFD><DocBody/></OFD>"}),
        "missing-page": _package({k: v for k, v in good.items() if k != page}),
        "entities": _package(
            {
                **good,
                page: b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                b"<Page>&b;</Page>",
            }
        ),
        "deep": _package({**good, page: b"<Page>" + b"<Layer>" * 400 + b"</Layer>" * 400 + b"</Page>"}),
        "bomb": _package({**good, page: b"<Page>" + b" " * (40 * 2**20) + b"</Page>"}),
        "scan": _package({**good, **{n: b"<Page><Content><Layer/></Content></Page>" for n in good if "Content" in n}}),
    }
    expected = {
        "garbage": "unreadable",
        "no-root": "unreadable",
        "missing-page": "unreadable",
        "entities": "unreadable",
        "deep": "too-large",
        "bomb": "too-large",
        "scan": "no-text",
    }
    for name, data in cases.items():
        path = tmp_path / f"{name}.ofd"
        path.write_bytes(data)
        result = checker.check_file(path)
        assert result.error is not None and result.error.code == expected[name], (name, result.error)
        assert "Traceback" not in result.error.message and "PDF 没有文字层" not in result.error.message


def test_too_many_members_is_too_large(tmp_path, checker, good):
    from nianbao.engine.limits import ReadLimits, using

    crowded = _package({**good, **{f"Doc_0/Res/x{i}.xml": b"<x/>" for i in range(60)}})
    (tmp_path / "crowded.ofd").write_bytes(crowded)
    with using(ReadLimits(archive_members=40)):
        from nianbao.engine.readers.ofd import OfdReader

        with pytest.raises(Exception) as raised:
            OfdReader().read(tmp_path / "crowded.ofd", crowded)
    assert getattr(raised.value, "code", None) is not None and raised.value.code.value == "too-large"


def test_an_ofd_in_a_batch_is_read_and_one_named_pdf_is_read_as_what_it_holds(tmp_path, run_json, good):
    (tmp_path / "a.ofd").write_bytes(_package(good))
    (tmp_path / "b.pdf").write_bytes(_package(good))  # an OFD saved under the wrong name
    _code, doc = run_json(tmp_path, "--no-cache")
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in doc["results"]}
    assert by_name["a.ofd"]["error"] is None and by_name["a.ofd"]["report"]["source"]["format"] == "ofd"
    assert by_name["b.pdf"]["error"] is None and any("OFD" in n for n in by_name["b.pdf"]["report"]["notes"])


PIECES = [
    ' Boundary="1e308 -1e308 0 0"',
    ' CTM="0 0 0 0 0 0"',
    ' DeltaX="g 1000000000 1"',
    ' DeltaX="g x y z"',
    ' Size="-5"',
    "<ofd:AbbreviatedData>M 0 0 L 1e9 0 L 1e9 1e9 C B 1 2 3</ofd:AbbreviatedData>",
    '<ofd:TextCode X="nan" Y="">无</ofd:TextCode>',
    "</ofd:Layer>",
    "<",
    "&amp;",
]


@st.composite
def mangled(draw, page: str):
    text = page
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "cut", "delete"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif kind == "cut":
            text = text[:at]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 400)) :]
    return text


def test_mangled_pages_get_a_result_or_an_error_code(checker, good, tmp_path_factory):
    """Whatever a page's XML says, the OFD reader answers with a report or an error code, and the rules run."""
    from nianbao.engine.errors import ReadError
    from nianbao.engine.submissions import Submission

    name = _page(good)
    page = good[name].decode("utf-8")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mangled(page))
    def run(text):
        path = tmp_path_factory.mktemp("ofd") / "m.ofd"
        path.write_bytes(_package({**good, name: text.encode("utf-8")}))
        try:
            report = checker.read_submission(Submission(path))
        except ReadError as err:
            assert err.code.value in {"unreadable", "too-large", "no-text", "not-a-report"} and err.message()
        else:
            result = checker.check_report(report)
            assert all(r.status != "error" for r in result.rules)

    run()


def test_a_page_of_a_million_characters_is_refused_before_they_are_placed(good):
    """16 KB of packed XML holding one text object of 1.5 million characters (6 s to place, more to lay out):
    refused in a moment, naming what is too many."""
    import time
    from pathlib import Path

    from nianbao.engine.errors import ErrorCode, ReadError
    from nianbao.engine.readers.ofd import OfdReader

    name = _page(good)
    count = 1_500_000
    crowded = (
        f'<ofd:TextObject ID="999" Boundary="0 0 200 200" Size="3"><ofd:TextCode X="0" Y="5" '
        f'DeltaX="g {count} 0.01">{"一" * count}</ofd:TextCode></ofd:TextObject></ofd:Layer>'
    )
    data = _package({**good, name: good[name].decode("utf-8").replace("</ofd:Layer>", crowded, 1).encode("utf-8")})
    assert len(data) < 32_000
    started = time.monotonic()
    with pytest.raises(ReadError) as raised:
        OfdReader().read(Path("crowded.ofd"), data)
    assert raised.value.code is ErrorCode.too_large and "单页字符" in raised.value.message()
    assert time.monotonic() - started < 2
