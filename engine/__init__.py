"""Nianbao (年报体检): a rules engine that checks government information-disclosure annual reports.

The public API for plugin authors is what this module exports, plus three reference modules: `engine.template`
(the official tables' row and column keys and labels), `engine.organs` (kinds of organ, names and pairing) and
`engine.text` (the normalised forms prose and labels are matched in). Everything else may change.
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

# What each public name is taken from. They are imported when first asked for (PEP 562), so that `import engine`
# (and `nianbao --version`) does not build every model: a plugin's `from engine import Rule` reads the same.
_HOMES = {
    "ErrorCode": "engine.errors",
    "ReadError": "engine.errors",
    "hookimpl": "engine.hookspecs",
    "Lang": "engine.i18n",
    "Msg": "engine.i18n",
    "Cell": "engine.model",
    "Report": "engine.model",
    "Section": "engine.model",
    "SectionKey": "engine.model",
    "Organ": "engine.organs",
    "OrganType": "engine.organs",
    "Reader": "engine.reader",
    "Applies": "engine.rule",
    "BatchRule": "engine.rule",
    "Brief": "engine.rule",
    "Category": "engine.rule",
    "CheckContext": "engine.rule",
    "CrossReportRule": "engine.rule",
    "Finding": "engine.rule",
    "Location": "engine.rule",
    "Rule": "engine.rule",
    "Severity": "engine.rule",
    "compact": "engine.text",
    "label_key": "engine.text",
}

if TYPE_CHECKING:
    from engine.errors import ErrorCode, ReadError
    from engine.hookspecs import hookimpl
    from engine.i18n import Lang, Msg
    from engine.model import Cell, Report, Section, SectionKey
    from engine.organs import Organ, OrganType
    from engine.reader import Reader
    from engine.rule import (
        Applies,
        BatchRule,
        Brief,
        Category,
        CheckContext,
        CrossReportRule,
        Finding,
        Location,
        Rule,
        Severity,
    )
    from engine.text import compact, label_key


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


__all__ = [
    "Applies",
    "BatchRule",  # the 0.1 name of CrossReportRule
    "Brief",
    "Category",
    "Cell",
    "CheckContext",
    "CrossReportRule",
    "ErrorCode",
    "Finding",
    "Lang",
    "Location",
    "Msg",
    "Organ",
    "OrganType",
    "ReadError",
    "Reader",
    "Report",
    "Rule",
    "Section",
    "SectionKey",
    "Severity",
    "__version__",
    "compact",
    "hookimpl",
    "label_key",
]
