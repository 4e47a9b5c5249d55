"""Nianbao (年报体检): a rules engine that checks government information-disclosure annual reports.

The public API for plugin authors is what this module exports; everything else may change.
"""

__version__ = "0.1.0"

from engine.errors import ErrorCode, ReadError
from engine.hookspecs import hookimpl
from engine.i18n import Lang, Msg
from engine.model import Report, Section, SectionKey
from engine.organs import Organ, OrganType
from engine.rule import Applies, BatchRule, CheckContext, Finding, Location, Rule, Severity
from engine.text import compact, label_key

__all__ = [
    "Applies",
    "BatchRule",
    "CheckContext",
    "ErrorCode",
    "Finding",
    "Lang",
    "Location",
    "Msg",
    "Organ",
    "OrganType",
    "ReadError",
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
