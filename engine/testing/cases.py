"""Rule test cases as data, for the built-in rules and for plugin authors alike.

A case file (JSON) names a rule and lists cases. Each case starts from a report, changes it, runs only
that rule, and compares the findings with the expected ones:

```json
{"rule": "NB201",
 "cases": [
  {"name": "balanced", "report": "sample:2021", "expect": []},
  {"name": "one-column-off", "report": "sample:2021",
   "set": [["applications", "received_new", "natural_person", 99]],
   "expect": [{"location": {"row": "received_new", "column": "natural_person"}, "severity": "error"}]}]}
```

`report` is `sample:2019` / `sample:2021` (add `-zero` for an all-zero report): an invented, consistent
report; or a file path relative to the case file (any format Nianbao reads). `set` lists
`[path..., value]` edits; a path into `sections` names the section key (`["sections", "problems",
"text", ""]`); `drop` lists section keys to remove; `profile` sets profile fields (`organ_type`, `options`,
`deadlines`, `province`). A batch rule's case gives `batch`, a list of reports each written like a case
(`report`, `set`, `drop`, and optionally `path`); an expected finding then names its report by index with
`"params": {"report": 1}`. Each expected finding matches by the fields it
gives (location fields by subset); the rule's findings must match the list one to one.

Use from pytest:

```python
from nianbao.engine.testing.cases import load_rule_cases
CASES = load_rule_cases("tests/rules/*/cases.json")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    case.evaluate(plugins=["my_plugin"])
```
"""

from __future__ import annotations

import glob
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.model import Report
from nianbao.engine.result import FindingResult
from nianbao.engine.template import Template
from nianbao.engine.testing.samples import SampleSpec, make_report

SAMPLE_AGENCY = "青禾市测试局"


def sample(name: str) -> Report:
    """`2019`, `2021`, `2019-zero`, `2021-zero`: a consistent invented report of that template; `@N` after the
    name (`2021@7`) draws another one, with other figures and other sentences."""
    name, _, seed = name.partition("@")
    template, _, zero = name.partition("-")
    year = 2020 if template == "2019" else 2022
    spec = SampleSpec(SAMPLE_AGENCY, year, seed=int(seed or 1), template=Template(template), all_zero=bool(zero))
    return make_report(spec)


@dataclass
class RuleCase:
    rule: str
    name: str
    report: str
    base: Path
    set: list[list[Any]] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)
    expect: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    batch: list[dict[str, Any]] = field(default_factory=list)  # several reports, for batch rules

    @property
    def id(self) -> str:
        return f"{self.rule}_{self.name}"

    def build(self, checker: Checker, spec: dict[str, Any] | None = None) -> Report:
        """The case's report (or one report of a batch case, from `spec`), edited."""
        source = spec.get("report", "sample:2021") if spec else self.report
        edits = spec.get("set", []) if spec else self.set
        drop = spec.get("drop", []) if spec else self.drop
        if source.startswith("sample:"):
            report = sample(source.removeprefix("sample:"))
        else:
            report = checker.read(self.base / source)
        data = report.to_json_dict()
        for edit in edits:
            _apply(data, edit[:-1], edit[-1])
        data["sections"] = [s for s in data["sections"] if s["key"] not in drop]
        if spec and "path" in spec:
            data["source"]["path"] = spec["path"]
        # Validated as a reader's output would be: dates parsed, types checked.
        return Report.model_validate(data)

    def run(self, plugins: list[str] | None = None) -> list[FindingResult]:
        """The rule's findings; in a batch case each finding's `params` gains `report`, its index."""
        profile = Profile(select=[self.rule], **self.profile)
        checker = Checker(PluginHost.load(extra=plugins or []), profile)
        specs = self.batch or [None]
        results = [checker.check_report(self.build(checker, spec)) for spec in specs]
        checker.check_across(results)
        crashed = [r for result in results for r in result.rules if r.status == "error"]
        if crashed:
            raise AssertionError(f"{self.id}: rule crashed: {crashed[0].reason}")
        found = []
        for index, result in enumerate(results):
            for f in result.findings:
                if f.rule == self.rule:
                    found.append(f.model_copy(update={"params": {**f.params, "report": index}}) if self.batch else f)
        return found

    def evaluate(self, plugins: list[str] | None = None) -> None:
        findings = self.run(plugins)
        unmatched = list(findings)
        for wanted in self.expect:
            hit = next((f for f in unmatched if _matches(f, wanted)), None)
            if hit is None:
                raise AssertionError(f"{self.id}: no finding matches {wanted}; got {_show(findings)}")
            unmatched.remove(hit)
        if unmatched:
            raise AssertionError(f"{self.id}: unexpected findings {_show(unmatched)}")


def _apply(data: dict[str, Any], path: list[Any], value: Any) -> None:
    """Set `value` at `path` in a report's JSON form; `None` on a whole row removes the row."""
    if path[0] == "sections":
        section = next((s for s in data["sections"] if s["key"] == path[1]), None)
        if section is None:
            raise KeyError(f"no section {path[1]} to edit")
        section[path[2]] = value
        return
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {})
    if value is None and isinstance(target.get(path[-1]), dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _matches(finding: FindingResult, wanted: dict[str, Any]) -> bool:
    data = finding.model_dump(mode="json")
    for key, value in wanted.items():
        if key in ("location", "params"):
            if any(data[key].get(k) != v for k, v in value.items()):
                return False
        elif data.get(key) != value:
            return False
    return True


def _show(findings: list[FindingResult]) -> str:
    return json.dumps(
        [
            {
                "location": f.location.model_dump(exclude_none=True),
                "expected": f.expected,
                "actual": f.actual,
                "severity": f.severity,
                "message": f.message,
            }
            for f in findings
        ],
        ensure_ascii=False,
    )


def load_rule_cases(pattern: str | Path) -> list[RuleCase]:
    """The cases of every JSON file matching `pattern` (a glob; give it relative to your test file, e.g.
    `Path(__file__).parent / "cases" / "*.json"`). A pattern that matches nothing is an error, not zero tests."""
    cases = []
    files = sorted(glob.glob(str(pattern)))
    if not files:
        raise FileNotFoundError(f"no rule case files match {pattern} (relative to {Path.cwd()})")
    for file in files:
        path = Path(file)
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            cases.append(
                RuleCase(
                    rule=case.get("rule", data["rule"]),
                    name=case["name"],
                    report=case.get("report", data.get("report", "sample:2021")),
                    base=path.parent,
                    set=case.get("set", []),
                    drop=case.get("drop", []),
                    expect=case.get("expect", []),
                    profile=case.get("profile", {}),
                    batch=case.get("batch", []),
                )
            )
    return cases
