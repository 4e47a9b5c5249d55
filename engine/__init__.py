"""Nianbao (年报体检): a rules engine that checks government information-disclosure annual reports.

The public API for plugin authors is what this module exports, plus three reference modules: `nianbao.engine.template`
(the official tables' row and column keys and labels), `nianbao.engine.organs` (kinds of organ, names and pairing) and
`nianbao.engine.text` (the normalised forms prose and labels are matched in). Everything else may change.
"""

__version__ = "0.2.0"

from typing import TYPE_CHECKING

from nianbao.engine import _aliases

_aliases.install()  # plugins written for 0.1 import `engine` and `rules`: they still load, for one release

# What each public name is taken from. They are imported when first asked for (PEP 562), so that `import engine`
# (and `nianbao --version`) does not build every model: a plugin's `from nianbao.engine import Rule` reads the same.
_HOMES = {
    "ErrorCode": "nianbao.engine.errors",
    "ReadError": "nianbao.engine.errors",
    "hookimpl": "nianbao.engine.hookspecs",
    "Lang": "nianbao.engine.i18n",
    "Msg": "nianbao.engine.i18n",
    "Cell": "nianbao.engine.model",
    "Report": "nianbao.engine.model",
    "Section": "nianbao.engine.model",
    "SectionKey": "nianbao.engine.model",
    "Organ": "nianbao.engine.organs",
    "OrganType": "nianbao.engine.organs",
    "Reader": "nianbao.engine.reader",
    "Applies": "nianbao.engine.rule",
    "BatchRule": "nianbao.engine.rule",
    "Brief": "nianbao.engine.rule",
    "Category": "nianbao.engine.rule",
    "CheckContext": "nianbao.engine.rule",
    "CrossReportRule": "nianbao.engine.rule",
    "Finding": "nianbao.engine.rule",
    "Location": "nianbao.engine.rule",
    "Rule": "nianbao.engine.rule",
    "Severity": "nianbao.engine.rule",
    "compact": "nianbao.engine.text",
    "label_key": "nianbao.engine.text",
}

if TYPE_CHECKING:
    from nianbao.engine.errors import ErrorCode, ReadError
    from nianbao.engine.hookspecs import hookimpl
    from nianbao.engine.i18n import Lang, Msg
    from nianbao.engine.model import Cell, Report, Section, SectionKey
    from nianbao.engine.organs import Organ, OrganType
    from nianbao.engine.reader import Reader
    from nianbao.engine.rule import (
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
    from nianbao.engine.text import compact, label_key


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'nianbao.engine' has no attribute {name!r}")
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
