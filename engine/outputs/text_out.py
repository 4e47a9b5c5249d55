"""`--format text`: what a clerk reads. Score and grade first, then findings by section, worst first."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.notes import in_language
from nianbao.engine.outputs.accounting import account_sentences
from nianbao.engine.outputs.rows import (
    SEVERITY,
    by_section,
    category_parts,
    dismissed_note,
    pending_matters,
    section_title,
)
from nianbao.engine.result import FileResult, FindingResult, ResultDocument, Status
from nianbao.engine.rule import Severity
from nianbao.engine.scoring import grade_label
from nianbao.engine.text import printable

UI: dict[str, Msg] = {
    "header": Msg("{path}", "{path}"),
    "meta": Msg("{agency} · {year} · {template}", "{agency} · {year} · {template}"),
    "year": Msg("{year}年", "year {year}"),
    "template": Msg("{template} 版模板", "{template} template"),
    "unknown": Msg("未识别", "unknown"),
    "score": Msg(
        "得分 {score} · {grade} · {errors} 个错误 · {warnings} 个警告 · {infos} 条提示",
        "score {score} · {grade} · {errors} error(s) · {warnings} warning(s) · {infos} note(s)",
    ),
    "pending": Msg(
        " · {pending} 处待核实（核对原件前不扣分）",
        " · {pending} matter(s) to check against the original (no points off until then)",
    ),
    "clean": Msg("未发现问题。", "No findings."),
    "deductions": Msg("扣分：{parts}", "Points off: {parts}"),
    "categories": Msg("分项得分：{parts}", "By category: {parts}"),
    "dismissed": Msg("（{note}，不计分）", " ({note}; not counted)"),
    "list_sep": Msg("、", ", "),
    "unreadable": Msg("无法检查（{code}）：{message}", "Not checked ({code}): {message}"),
    "detail": Msg("（读取时所见：{detail}）", "(what the reader saw: {detail})"),
    "crashed": Msg("规则 {rule} 运行出错：{reason}", "Rule {rule} crashed: {reason}"),
    "where_line": Msg("第 {line} 行", "line {line}"),
    "where_page": Msg("第 {page} 页", "page {page}"),
    "notes": Msg("读取说明：{notes}", "Reading notes: {notes}"),
    "summary": Msg(
        "汇总：{files} 个文件，已检查 {checked} 个，无法读取 {unreadable} 个；平均分 {mean}；{grades}",
        "Summary: {files} file(s), {checked} checked, {unreadable} unreadable; mean score {mean}; {grades}",
    ),
    "roster": Msg(
        "名单（{year} 年度）：应报送 {expected} 个机关，未报送 {missing} 个，名单外报告 {unmatched} 份，"
        "重复报送 {duplicates} 个机关",
        "Roster ({year}): {expected} organ(s) due, {missing} did not report, {unmatched} report(s) fit no organ, "
        "{duplicates} organ(s) reported twice",
    ),
    "missing": Msg("未报送：{organs}", "Did not report: {organs}"),
    "history": Msg(
        "往年报告 {reports} 份，本批 {paired} 份报告与本机关上一年度报告配对比较",
        "{reports} earlier report(s); {paired} report(s) of this batch compared with their organ's previous year",
    ),
    "no_history": Msg(
        "未提供往年报告（--history），跨年规则只比较本批报告之间的年度。",
        "No earlier years' reports given (--history): the cross-year rules compared only the years within this batch.",
    ),
    "cached": Msg(
        "（其中 {cached} 个文件未改动，结果取自缓存；--no-cache 可全部重新检查）",
        "({cached} unchanged file(s) taken from the cache; --no-cache checks everything again)",
    ),
}


def _t(key: str, lang: Lang, **params: object) -> str:
    return UI[key].render(lang, params)


def _where(f: FindingResult, lang: Lang) -> str:
    if f.location.page:
        return _t("where_page", lang, page=f.location.page)
    if f.location.line:
        return _t("where_line", lang, line=f.location.line)
    return ""


def render_file(result: FileResult, lang: Lang, points: dict | None = None) -> list[str]:
    lines = [_t("header", lang, path=result.source.path)]
    if result.error:
        lines.append("  " + _t("unreadable", lang, code=result.error.code, message=result.error.message))
        if result.error.detail:  # for the office; the clerk's page shows the plain sentence only
            lines.append("    " + _t("detail", lang, detail=result.error.detail))
        return lines
    report = result.report
    assert report is not None and result.score is not None
    unknown = _t("unknown", lang)
    lines.append(
        "  "
        + _t(
            "meta",
            lang,
            agency=report.agency or unknown,
            year=_t("year", lang, year=report.year) if report.year else unknown,
            template=_t("template", lang, template=report.template) if report.template else unknown,
        )
    )
    grade = grade_label(result.grade, lang)
    lines.append(
        "  "
        + _t(
            "score",
            lang,
            score=f"{result.score:.1f}",
            grade=grade,
            errors=result.count(Severity.error),
            warnings=result.count(Severity.warning),
            infos=result.count(Severity.info),
        )
        + (_t("pending", lang, pending=pending) if (pending := len(pending_matters(result))) else "")
    )
    parts = category_parts(result, lang, points or {})
    if parts:
        label = "categories" if result.category_scores or result.not_judged else "deductions"
        lines.append("  " + _t(label, lang, parts=_t("list_sep", lang).join(parts)))
    if not result.findings:
        lines.append("  " + _t("clean", lang))
    for section, findings in by_section(result.findings):
        lines.append("  " + section_title(section, lang))
        for f in findings:
            where = _where(f, lang)
            sev = SEVERITY[f.severity].render(lang)
            note = "" if f.counts else _t("dismissed", lang, note=dismissed_note(f, lang))
            lines.append(f"    {sev} {f.rule}{' ' + where if where else ''}  {f.message}{note}")
    for r in result.rules:
        if r.status == Status.error:
            lines.append("  " + _t("crashed", lang, rule=r.rule, reason=r.reason))
    if report.notes:
        separator = "; " if lang == Lang.en else "；"
        lines.append("  " + _t("notes", lang, notes=separator.join(in_language(n, lang) for n in report.notes)))
    return lines


def render(document: ResultDocument) -> str:
    return "".join(chunks(document))


def chunks(document: ResultDocument) -> Iterator[str]:
    """The text a report at a time (a province's batch is never held whole), then the batch's summary. File and
    organ names come from outside: printed without escape sequences."""
    lang = Lang(document.lang)
    for result in document.results:
        yield printable("\n".join([*render_file(result, lang, document.profile.categories), ""])) + "\n"
    yield printable("\n".join(_summary(document, lang))) + "\n"


def _summary(document: ResultDocument, lang: Lang) -> list[str]:
    out: list[str] = []
    s = document.summary
    grades = _t("list_sep", lang).join(
        f"{grade_label(g, lang)} {n}" for g, n in sorted(s.grades.items(), key=lambda kv: -kv[1])
    )
    out.append(
        _t(
            "summary",
            lang,
            files=s.files,
            checked=s.checked,
            unreadable=s.unreadable,
            mean="-" if s.mean_score is None else f"{s.mean_score:.1f}",
            grades=grades or "-",
        )
    )
    if s.cached:
        out.append(_t("cached", lang, cached=s.cached))
    if document.roster is not None:
        r = document.roster
        out.append(
            _t("roster", lang, year=r.year or "-", expected=r.expected, missing=len(r.missing),
               unmatched=len(r.unmatched), duplicates=len(r.duplicates))
        )  # fmt: skip
        if r.missing:
            out.append("  " + _t("missing", lang, organs=_t("list_sep", lang).join(m.organ for m in r.missing)))
        out += ["  " + sentence for sentence in account_sentences(document, lang)]
    if document.history is not None:
        h = document.history
        out.append(_t("history", lang, reports=h.reports, paired=h.paired))
    elif s.files >= 2:
        out.append(_t("no_history", lang))
    return out
