"""Who wrote a report: the one place a report is matched to an organ (by the roster where there is one, else by its
printed name), for the rules, the results, the roster's accounting and the pairing of years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.model import Report
from nianbao.engine.office.roster import Roster, RosterOrgan
from nianbao.engine.organs import Organ, kind_label, organ_of, pairing_keys, region_of


@dataclass(frozen=True)
class Identity:
    organ: Organ | None  # what the rules see
    name: str | None  # what results carry: the roster's name, else the canonical printed name
    region: str | None
    kind: str | None  # 部门, 政府, 乡镇街道, 管委会, 办公厅, 其他
    deadline: str | None  # the organ's own, MM-DD, from the roster
    published: dt.date | None = None  # when the office saw its report go up, from the roster


def _on_roster(known: RosterOrgan) -> Identity:
    """Who a report is when the roster names its organ: the roster's kind, region, deadline and date."""
    organ = known.organ()
    region = known.region or region_of(known.name)
    return Identity(organ, known.name, region, kind_label(organ.type), known.deadline, known.published)


def _note(report: Report, note: str) -> None:
    """Said once on the report, however often it is asked who wrote it (its check, then the cross-report rules)."""
    if note not in report.notes:
        report.notes.append(note)


@dataclass(frozen=True)
class Identifier:
    """Matches reports to organs for one run: its roster (if any) and the profile's organ type."""

    roster: Roster | None = None
    organ_type: str | None = None

    def identify(self, report: Report) -> Identity:
        """Who wrote the report: the organ the rules see, the name results carry (the roster's, else the canonical
        name), its region and kind, and its own deadline (from the roster). A guessed or ambiguous roster match is
        noted on the report, never hidden."""
        if self.roster is not None:
            agency, path = report.agency, report.source.path
            match = self.roster.whose(agency, path, ocr=report.source.reading == "ocr")
            if match.organ is not None:
                if agency is None:
                    _note(report, engine_message("roster.by-file", Lang.zh, organ=match.organ.name))
                elif match.guessed:
                    _note(report, engine_message("roster.near", Lang.zh, name=agency, organ=match.organ.name))
                return _on_roster(match.organ)
            if match.candidates and agency is not None:
                candidates = "、".join(match.candidates)
                _note(report, engine_message("roster.ambiguous", Lang.zh, name=agency, candidates=candidates))
        organ = organ_of(report.agency, self.organ_type)
        if organ is None:
            return Identity(None, None, None, None, None)
        return Identity(organ, organ.name or None, region_of(organ.name), kind_label(organ.type), None)

    def pairing_keys(self, agencies: Sequence[str | None]) -> list[str | None]:
        """The key each report's organ is paired by across years: its roster name when it matched one, else its
        canonical name (the short form where that is unambiguous among these reports)."""
        names = []
        for agency in agencies:
            match = self.roster.match(agency) if self.roster is not None else None
            names.append(match.organ.name if match is not None and match.organ is not None else agency)
        return pairing_keys(names)
