"""Nianbao (年报体检): a rules engine that checks government information-disclosure annual reports.

The public API for plugin authors is what this module exports, plus three reference modules: `engine.template`
(the official tables' row and column keys and labels), `engine.organs` (kinds of organ, names and pairing) and
`engine.text` (the normalised forms prose and labels are matched in). Everything else may change.
"""

__version__ = "0.1.0"

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
