"""Profiles: which rules run, with what severity and weight, for which kind of organ (TOML files).

```toml
name = "guangzhou-2025"
organ_type = "department"          # optional: department, general_office, town, county_government,
                                   # city_government, provincial_government, zone_government, other
                                   # (default: guessed from each organ's name)
province = "湖南"                   # optional: picks [deadlines.湖南] below
plugins = ["./local_rules.py"]     # loaded like --plugin
[rules]
select = ["NB"]                    # ids or prefixes; default: every rule
ignore = ["NB306"]
[weights]
NB206 = 20
[severity]
NB102 = "error"
[options.NB302]                    # free options a rule reads from its context
min_chars = 80
[deadlines]                        # publication deadlines, MM-DD of the year after the report year
department = "01-31"
government = "03-31"
town = "03-31"
[deadlines.湖南]                    # a province's own dates, used when `province` names it
town = "02-20"
cluster = "tcp://10.0.0.5:8786"    # optional: check on this Dask cluster (docs/cluster.md), as --cluster
[letters]                          # the head of feedback letters and the circular (nianbao letters / summary)
office = "某某市政务公开办"
reply_days = 15                    # organs answer within this many days of the letter's date
contact = "张三 0000-12345678"
[categories]                       # optional: score per category (points, and the most its rules take off)
timeliness = { points = 30, cap = 30 }
accuracy = { points = 15, cap = 10 }
[ceilings]                         # optional: the highest grade a report with an error of the rule may have
NB401 = "合格"
```

With no profile given, `engine/checking/profiles/default.toml` is used. `--profile evaluator` (a name, not a path) takes
a shipped profile from `engine/checking/profiles/` (docs/profiles.md).

Selection follows flake8: a rule runs when a `select` entry matches it (or `select` is empty), unless an
`ignore` entry matches it at least as specifically (the longer prefix wins).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.engine.errors import UsageError
from nianbao.engine.limits import ReadLimits, read_settings
from nianbao.engine.organs import OrganType
from nianbao.engine.result import Letterhead
from nianbao.engine.rule import Category, Rule, Severity
from nianbao.engine.scoring import GRADES, CategoryPoints, Scoring

SHIPPED = Path(__file__).resolve().parent / "profiles"
DEFAULT_PROFILE = SHIPPED / "default.toml"
DEADLINE_KINDS = ("department", "government", "town")
_MM_DD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _flat_deadlines(table: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from value.items()
        else:
            yield key, value


def _categories(path: Path, table: Any) -> dict[Category, CategoryPoints]:
    """`[categories]`: each scored category's points and cap; the points may not add up to more than 100."""
    scored = {c.value for c in Category if c is not Category.other}
    out: dict[Category, CategoryPoints] = {}
    for key, entry in (table or {}).items():
        try:
            if key not in scored:
                raise ValueError(f"unknown category {key!r} (one of: {', '.join(sorted(scored))})")
            points = float(entry["points"])
            cap = float(entry.get("cap", points))
            if not 0 <= cap <= points:
                raise ValueError(f"{key}: cap must be between 0 and points")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"配置文件 {path}：分类计分有误 / bad [categories]: {exc}") from None
        out[Category(key)] = CategoryPoints(points, cap)
    if sum(p.points for p in out.values()) > 100:
        raise UsageError(f"配置文件 {path}：各类分值之和超过 100 / [categories] points add up to more than 100")
    return out


def _ceilings(path: Path, table: Any) -> dict[str, str]:
    """`[ceilings]`: rule id -> the highest grade (优秀, 良好, 合格, 不合格) with an error of that rule."""
    names = [zh for _, zh, _ in GRADES]
    if not isinstance(table, dict) or any(not isinstance(v, str) or v not in names for v in table.values()):
        raise UsageError(f"配置文件 {path}：[ceilings] 的等级应为 {'、'.join(names)} / bad [ceilings] grade")
    return dict(table)


def _cluster(path: Path, value: Any) -> str | None:
    """`cluster = "tcp://HOST:8786"`: a Dask scheduler's address."""
    if value is None:
        return None
    if not isinstance(value, str) or ("://" not in value and ":" not in value):
        raise UsageError(
            f'配置文件 {path}：cluster 应为调度器地址 / cluster must be an address such as "tcp://host:8786"'
        )
    return value


def _match_length(rule_id: str, prefixes: Iterable[str]) -> int:
    return max((len(p) for p in prefixes if rule_id.startswith(p)), default=-1)


@dataclass
class Profile:
    name: str = "default"
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    severities: dict[str, Severity] = field(default_factory=dict)
    organ_type: str | None = None
    province: str | None = None
    plugins: list[str] = field(default_factory=list)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    deadlines: dict[str, Any] = field(default_factory=dict)
    limits: ReadLimits = field(default_factory=ReadLimits)
    roster: str | None = None  # the office's roster (名单), relative paths resolved against the profile's folder
    history: list[str] = field(default_factory=list)  # earlier years' reports or result documents
    categories: dict[Category, CategoryPoints] = field(default_factory=dict)  # empty: plain deductions
    ceilings: dict[str, str] = field(default_factory=dict)  # rule id -> the highest grade with an error of it
    letterhead: Letterhead = field(default_factory=Letterhead)
    cluster: str | None = None  # a Dask scheduler's address (tcp://HOST:8786): check there (docs/cluster.md)
    cluster_shared: bool = False  # the cluster's workers see the paths as they are here

    @classmethod
    def default(cls) -> Profile:
        return cls.from_toml(DEFAULT_PROFILE)

    @classmethod
    def named(cls, name_or_path: Path | str) -> Profile:
        """A profile file, or a shipped profile by its name (`evaluator`)."""
        path = Path(name_or_path)
        shipped = SHIPPED / f"{path.name}.toml"
        if path.suffix == "" and not path.is_file() and shipped.is_file():  # a folder named "evaluator" is no profile
            return cls.from_toml(shipped)
        return cls.from_toml(path)

    @classmethod
    def from_toml(cls, path: Path) -> Profile:
        try:
            data = tomllib.loads(read_settings(path))
        except (OSError, ValueError, tomllib.TOMLDecodeError, RecursionError) as exc:
            raise UsageError(f"配置文件 {path} 无法读取 / cannot read profile {path}: {exc}") from None
        rules = data.get("rules", {})
        try:
            severities = {k: Severity(v) for k, v in data.get("severity", {}).items()}
            weights = {k: float(v) for k, v in data.get("weights", {}).items()}
        except (ValueError, TypeError) as exc:
            raise UsageError(f"配置文件 {path} 有误 / bad profile {path}: {exc}") from None
        base = path.parent
        plugins = [str((base / p).resolve()) if p.endswith(".py") else p for p in data.get("plugins", [])]
        organ_type = data.get("organ_type")
        if organ_type is not None and organ_type not in {t.value for t in OrganType}:
            known = ", ".join(t.value for t in OrganType)
            raise UsageError(f"配置文件 {path}：未知的机关类型 / unknown organ_type {organ_type!r} (one of: {known})")
        deadlines = data.get("deadlines", {})
        for kind, date in _flat_deadlines(deadlines):
            if kind not in DEADLINE_KINDS or not isinstance(date, str) or not _MM_DD.match(date):
                raise UsageError(
                    f"配置文件 {path}：发布期限 {kind} = {date!r} 有误 / bad deadline "
                    f'(kinds: {", ".join(DEADLINE_KINDS)}; dates as "MM-DD")'
                )
        try:
            limits = ReadLimits.from_table(data.get("limits", {}))
        except ValueError as exc:
            raise UsageError(f"配置文件 {path}：限额有误 / bad [limits]: {exc}") from None
        try:
            letterhead = Letterhead.model_validate(data.get("letters", {}))
        except ValueError as exc:
            raise UsageError(f"配置文件 {path}：[letters] 有误 / bad [letters]: {exc}") from None
        return cls(
            letterhead=letterhead,
            categories=_categories(path, data.get("categories", {})),
            ceilings=_ceilings(path, data.get("ceilings", {})),
            name=str(data.get("name", path.stem)),
            select=list(rules.get("select", [])),
            ignore=list(rules.get("ignore", [])),
            weights=weights,
            severities=severities,
            organ_type=organ_type,
            province=data.get("province"),
            plugins=plugins,
            options={k: dict(v) for k, v in data.get("options", {}).items()},
            deadlines=deadlines,
            limits=limits,
            roster=str(base / data["roster"]) if isinstance(data.get("roster"), str) else None,
            history=[str(base / h) for h in data.get("history", []) if isinstance(h, str)],
            cluster=_cluster(path, data.get("cluster")),
            cluster_shared=bool(data.get("cluster_shared", False)),
        )

    def resolved_deadlines(self) -> dict[str, str]:
        """The deadlines in force: the general ones, overridden by the profile's province's own."""
        general = {k: v for k, v in self.deadlines.items() if isinstance(v, str)}
        provincial = self.deadlines.get(self.province, {}) if self.province else {}
        return {**general, **provincial}

    def with_cli(self, select: list[str] | None, ignore: list[str] | None) -> Profile:
        """--select replaces the profile's selection; --ignore adds to its ignore list."""
        if select:
            self.select = select
        if ignore:
            self.ignore = [*self.ignore, *ignore]
        return self

    def validate(self, known_ids: Iterable[str]) -> None:
        """Every id or prefix the profile names must name at least one known rule."""
        known = sorted(known_ids)
        named = [*self.select, *self.ignore, *self.weights, *self.severities, *self.options, *self.ceilings]
        unknown = sorted({p for p in named if not any(k.startswith(p) for k in known)})
        if unknown:
            raise UsageError(
                f"未知的规则编号 / unknown rule id: {', '.join(unknown)} "
                f"(`nianbao rules` lists the {len(known)} known rules)"
            )
        for rule_id, weight in self.weights.items():
            if weight < 0:
                raise UsageError(f"规则 {rule_id} 的权重不能为负 / weight of {rule_id} is negative")

    def selected(self, rule_id: str) -> bool:
        chosen = _match_length(rule_id, self.select) if self.select else 0
        return chosen >= 0 and _match_length(rule_id, self.ignore) < max(chosen, 1)

    @property
    def scoring(self) -> Scoring:
        return Scoring(self.categories, self.ceilings)

    def weight(self, rule: type[Rule]) -> float:
        return self.weights.get(rule.id, float(rule.weight))

    def severity(self, rule: type[Rule]) -> Severity:
        return self.severities.get(rule.id, Severity(rule.severity))
