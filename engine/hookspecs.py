"""Every hook of Nianbao's plugin API, in one place (pluggy project name ``nianbao``).

A plugin is a module, or any object, with functions marked ``@hookimpl`` whose names are the hooks below.
It is found through the entry-point group ``nianbao`` of an installed distribution, or loaded with
``nianbao check --plugin FILE_OR_MODULE``. The built-in rules and readers are plugins of exactly
this kind (``rules.*`` and ``nianbao.engine.readers.builtin``): they use no private path.

Hooks only ever *provide* things (rule classes, readers); the engine decides when to call them.
Implementations may leave out parameters they do not need, so hooks can gain parameters later
without breaking old plugins.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from nianbao.engine.reader import Reader
    from nianbao.engine.rule import CrossReportRule, Rule

PROJECT = "nianbao"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def nianbao_rules() -> list[type[Rule]]:
    """Return the rule classes this plugin contributes.

    Each is a subclass of :class:`nianbao.engine.Rule` that declares ``id`` (two or more capital letters and
    three digits, e.g. ``GZ101``; ``NB`` is reserved for built-ins), ``name`` (kebab-case), ``title``,
    ``severity``, ``weight``, optionally ``category``, ``applies`` and ``messages``, a docstring (its documentation)
    and a ``check(report, context)`` method yielding :class:`nianbao.engine.Finding` objects.
    A class whose declaration is unsound, or whose id is already taken, is reported and skipped.
    """


@hookspec
def nianbao_cross_report_rules() -> list[type[CrossReportRule]]:
    """Return rule classes that look across all the reports of a run.

    Each subclasses :class:`nianbao.engine.CrossReportRule`: the declarations of a rule, plus
    ``check_reports(reports, context)`` yielding ``(index, Finding)`` pairs (``index`` into ``reports``) and,
    optionally, ``applicable(reports, context)`` (one bool per report: did the rule have anything to compare
    it with). They run after every file of a ``check`` run has been read, cached results included; their
    findings join the findings of the report they name and count in its score.
    """


@hookspec
def nianbao_batch_rules() -> list[type[CrossReportRule]]:
    """The 0.1 name of ``nianbao_cross_report_rules``, still called for one release."""


@hookspec
def nianbao_readers() -> list[Reader]:
    """Return reader objects for input formats.

    A reader has ``format`` (the model's ``source.format``), ``suffixes`` (file name endings it takes,
    such as ``(".txt",)``) and ``read(path, data) -> Report``; it raises :class:`nianbao.engine.ReadError`
    with an error code for a file it cannot read. A plugin reader for a suffix that a built-in reader
    also takes wins over the built-in one.
    """
