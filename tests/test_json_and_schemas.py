"""The JSON reader and the two JSON Schemas: what `parse` prints validates, broken documents are refused."""

from __future__ import annotations

import json

import pytest
from nianbao.engine.schemas import REPORT, RESULT, load_schema, schema_errors
from nianbao.engine.template import APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS, SUBTOTAL_ROWS

from tests.conftest import ROOT

REPORTS = sorted((ROOT / "reports").glob("*.txt"))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_parse_output_validates_and_loads_back(tmp_path, run, path):
    code, out, _ = run("parse", path)
    assert code == 0
    model = json.loads(out)
    assert schema_errors(model, REPORT) == []
    copy = tmp_path / "model.json"
    copy.write_text(out, encoding="utf-8")
    code, out2, _ = run("parse", copy)
    again = json.loads(out2)
    assert again["source"]["format"] == "json"
    assert {k: v for k, v in again.items() if k != "source"} == {k: v for k, v in model.items() if k != "source"}


def test_check_output_validates(run_json):
    code, doc = run_json(ROOT / "reports")
    assert code == 1  # the samples include defects
    assert schema_errors(doc, RESULT) == []
    assert doc["summary"]["files"] == len(REPORTS) == doc["summary"]["checked"]
    assert [r["source"]["path"] for r in doc["results"]] == sorted(r["source"]["path"] for r in doc["results"])
    assert "method" in doc["profile"] and doc["profile"]["weights"]["NB201"] == 12


def test_malformed_json_report_is_refused_with_the_schema_message(tmp_path, run):
    code, out, _ = run("parse", REPORTS[0])
    model = json.loads(out)
    model["year"] = "二〇二二"
    model["applications"]["received_new"]["natural_person"] = True
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    code, out, err = run("check", path, "--format", "json")
    assert code == 2
    result = json.loads(out)["results"][0]
    assert result["error"]["code"] == "unreadable"
    assert "$.year" in result["error"]["message"] and "is not of type" in result["error"]["message"]
    assert "natural_person" in result["error"]["message"]
    assert "Traceback" not in err
    code, out, err = run("parse", path)
    assert code == 2 and "$.year" in err and "Traceback" not in err


def test_invalid_json_syntax_is_unreadable(tmp_path, run):
    path = tmp_path / "broken.json"
    path.write_text('{"schema": "nianbao/report/1", ', encoding="utf-8")
    code, out, err = run("check", path)
    assert code == 2 and "unreadable" in out and "Traceback" not in err


def test_report_schema_keys_match_the_template_module():
    schema = load_schema(REPORT)["properties"]
    rows = schema["applications"]["propertyNames"]["anyOf"][0]["enum"]
    expected = {line.key for t in APPLICATION_ROWS.values() for line in t} | {line.key for line in SUBTOTAL_ROWS}
    assert set(rows) == expected
    cols = schema["applications"]["additionalProperties"]["propertyNames"]["enum"]
    assert cols == [c.key for c in APPLICATION_COLUMNS]
    assert schema["review_litigation"]["propertyNames"]["enum"] == [g.key for g in REVIEW_GROUPS]
    assert schema["review_litigation"]["additionalProperties"]["propertyNames"]["enum"] == [
        c.key for c in REVIEW_COLUMNS
    ]


def test_a_broken_result_document_is_refused(run_json):
    _, doc = run_json(REPORTS[0])
    doc["results"][0]["score"] = 140
    broken = len(doc["results"][0]["findings"])
    doc["results"][0]["findings"].append({"rule": "nb1", "severity": "fatal"})
    errors = schema_errors(doc, RESULT)
    assert any("140" in e for e in errors)
    assert any(f"findings[{broken}]" in e for e in errors)


def test_reports_folder_is_what_the_generator_makes(tmp_path):
    from nianbao.engine.testing.samples import write_samples

    for path in write_samples(tmp_path):
        committed = ROOT / "reports" / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"reports/{path.name} is stale: run python -m nianbao.engine.testing.samples reports/"
        )
    assert sorted(p.name for p in (ROOT / "reports").iterdir()) == sorted(p.name for p in tmp_path.iterdir())


def test_the_json_written_a_result_at_a_time_is_the_document_to_the_byte(tmp_path, run):
    """`--format json` streams the results (a batch's text never stands whole in memory); the file is exactly the
    document's own serialization, with and without a roster, and with no result at all."""
    from nianbao.engine.result import ResultDocument

    out = tmp_path / "r.json"
    run("check", ROOT / "reports", "--format", "json", "--output", out, "--no-cache")
    written = out.read_text(encoding="utf-8")
    document = ResultDocument.model_validate_json(written)
    assert written == document.to_json() + "\n" and len(document.results) == 4
    assert "".join(document.json_chunks()) == document.to_json()
    empty = document.model_copy(update={"results": [], "roster": None})
    assert "".join(empty.json_chunks()) == empty.to_json()
