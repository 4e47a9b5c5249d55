"""A result document said in another language, nothing checked again: each message again from its key and
parameters, with the rules' (and plugins') own wording, and the profile's titles, conditions and method."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from nianbao.engine import scoring
from nianbao.engine.checking.ruleset import RuleSet
from nianbao.engine.checking.symptoms import one_cause
from nianbao.engine.checking.uncertain import sentence
from nianbao.engine.i18n import engine_message
from nianbao.engine.result import FileResult, ResultDocument


def say_again(ruleset: RuleSet, result: FileResult, classes: dict[str, type] | None = None) -> None:
    """One result's messages said again, in place, in the checker's language: from their keys and parameters."""
    if classes is None:
        classes = {r.cls.id: r.cls for r in [*ruleset.rules, *ruleset.cross_rules]}
    if result.error is not None and result.error.key:
        result.error.message = engine_message(result.error.key, ruleset.lang, **result.error.params)
    for f in result.findings:
        rule, _, key = (f.key or "").partition(".")
        msg = classes[rule].messages.get(key) if rule in classes else None  # type: ignore[attr-defined]
        if msg is not None:
            f.message = msg.render(ruleset.lang, f.params)
            for symptom in f.symptoms or []:
                rule_of, _, key_of = (symptom.key or "").partition(".")
                said = classes[rule_of].messages.get(key_of) if rule_of in classes else None  # type: ignore[attr-defined]
                if said is not None:
                    symptom.message = said.render(ruleset.lang, symptom.params)
            if f.symptoms and f.fixes and result.report is not None:  # one wrong figure, several checks broken
                (cell, value), *_ = f.fixes.items()
                rules = [symptom.rule for symptom in f.symptoms]
                f.message += " " + one_cause(result.report, cell, value, rules, ruleset.lang)
            if (f.doubtful_cells or f.doubtful_parts) and result.report is not None:
                f.message += " " + sentence(result.report, f.doubtful_cells or [], ruleset.lang, f.doubtful_parts)


def translate(ruleset: RuleSet, document: ResultDocument) -> ResultDocument:
    """The same results said in this checker's language: every message again from its key and parameters
    (rules' and plugins' own wording), the profile's titles and method too. Nothing is checked again."""
    classes = {r.cls.id: r.cls for r in [*ruleset.rules, *ruleset.cross_rules]}

    def say(result: FileResult, *_: object) -> None:
        say_again(ruleset, result, classes)

    results: Sequence[FileResult]
    if hasattr(document.results, "finish"):  # a stored batch: each result said again as it is read back
        results = copy.copy(document.results)
        before = results.finish  # type: ignore[attr-defined]

        def finish(result: FileResult, entry: object) -> None:
            if before is not None:
                before(result, entry)
            say(result)

        results.finish = finish  # type: ignore[attr-defined]
    else:
        results = [r.model_copy(deep=True) for r in document.results]
        for result in results:
            say(result)
    # The document's own profile (its weights and categories), its words in this language.
    info = document.profile
    scheme = {c: scoring.CategoryPoints(v["points"], v["cap"]) for c, v in info.categories.items()}
    titles = {rule: ruleset.title_of(classes[rule]) if rule in classes else t for rule, t in info.titles.items()}
    applies = {rule: ruleset.applies_of(classes[rule]) if rule in classes else t for rule, t in info.applies.items()}
    profile = info.model_copy(
        update={
            "titles": titles,
            "applies": applies,
            "method": scoring.method(scoring.Scoring(scheme, info.ceilings), ruleset.lang),
        }
    )
    translated = document.model_copy(update={"lang": ruleset.lang.value, "profile": profile})
    translated.results = results  # type: ignore[assignment]  # as they are: stored ones are read on demand
    return translated
