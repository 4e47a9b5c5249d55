"""The rule catalogue as data: what `nianbao rules` prints and what docs/rules.md is generated from."""

from __future__ import annotations

import json

from pydantic import BaseModel

from engine.i18n import Lang
from engine.plugins import PluginHost
from engine.profile import Profile


class RuleRecord(BaseModel):
    id: str
    name: str
    severity: str
    weight: float
    applies: str
    title: str
    title_en: str | None
    doc: str
    plugin: str
    selected: bool


def records(host: PluginHost, profile: Profile | None = None) -> list[RuleRecord]:
    profile = profile or Profile()
    return sorted(
        (
            RuleRecord(
                id=e.cls.id,
                name=e.cls.name,
                severity=profile.severity(e.cls).value,
                weight=profile.weight(e.cls),
                applies=e.cls.applies.describe(),
                title=e.cls.title,
                title_en=e.cls.title_en,
                doc=e.cls.doc(),
                plugin=e.plugin,
                selected=profile.selected(e.cls.id),
            )
            for e in host.rules()
        ),
        key=lambda r: r.id,
    )


def render_json(rules: list[RuleRecord]) -> str:
    return json.dumps([r.model_dump() for r in rules], ensure_ascii=False, indent=2) + "\n"


def render_text(rules: list[RuleRecord], lang: Lang = Lang.zh) -> str:
    lines = []
    for r in rules:
        title = r.title_en if lang == Lang.en and r.title_en else r.title
        flag = "" if r.selected else "  (off)"
        lines.append(f"{r.id}  {r.name}  [{r.severity}, {r.weight:g}, {r.applies}]  {title}{flag}")
        lines.append(f"       {r.plugin}: {r.doc.splitlines()[0] if r.doc else ''}")
    return "\n".join(lines) + "\n"
