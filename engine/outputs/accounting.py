"""名单核对: every organ of the roster with what it filed, then every file that is not simply its organ's one report
of the year (unreadable, another year's, 名单外, duplicate, ambiguous). The XLSX sheet, the HTML table and the 通报's
lists all come from here, so they agree; everything is read from the result document's `roster`.

Files are named by their file name only: the office's folders are its own, and the 通报 goes to every organ.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.outputs.rows import KIND_NAMES, file_name
from nianbao.engine.result import ResultDocument

ACCOUNT_COLUMNS: dict[str, Msg] = {
    "organ": Msg("机关", "organ"),
    "kind": Msg("类型", "kind"),
    "region": Msg("地区", "region"),
    "status": Msg("核对结果", "status"),
    "files": Msg("文件", "files"),
    "note": Msg("说明", "note"),
}
STATUS: dict[str, Msg] = {
    "checked": Msg("已报送", "filed"),
    "duplicate": Msg("重复报送", "filed more than once"),
    "unreadable": Msg("已报送，但无法读取", "filed, but unreadable"),
    "other-year": Msg("报送的是其他年度的报告", "filed another year's report"),
    "missing": Msg("未报送", "did not report"),
    "unmatched": Msg("名单外", "not on the roster"),
    "ambiguous": Msg("对应名单中多个机关", "fits several organs of the roster"),
    "unreadable-unknown": Msg("无法读取，机关不明", "unreadable, organ unknown"),
}
NOTES: dict[str, Msg] = {
    "guessed": Msg("按相近名称或文件名认定，请核对", "matched by a near name or the file's name: check it"),
    "candidates": Msg("可能是：{names}", "may be: {names}"),
    "printed": Msg("报告署名：{name}", "the report names: {name}"),
}


def _names(paths: list[str]) -> str:
    return "、".join(file_name(p) for p in paths)


def account_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    """The roster's organs in its order, then the files that fit none of them as their one report of the year."""
    roster = document.roster
    if roster is None:
        return
    lang = Lang(document.lang)
    duplicated = {p for group in roster.duplicates for p in group}

    def row(organ: str, kind: str, region: str, status: str, files: list[str], note: str = "") -> dict[str, Any]:
        label = KIND_NAMES[kind].render(lang) if kind in KIND_NAMES else kind
        return {"organ": organ, "kind": label, "region": region, "status": STATUS[status].render(lang),
                "files": _names(files), "note": note}  # fmt: skip

    for e in roster.entries:
        status = "duplicate" if e.status == "checked" and duplicated & set(e.files) else e.status
        yield row(e.organ, e.kind, e.region, status, e.files, NOTES["guessed"].render(lang) if e.guessed else "")
    printed = _printed(document, {*roster.unmatched, *(a.path for a in roster.ambiguous)})
    for path in roster.unmatched:
        yield row(printed.get(path, ""), "", "", "unmatched", [path])
    for a in roster.ambiguous:
        note = NOTES["candidates"].render(lang, {"names": "、".join(a.candidates)})
        yield row(printed.get(a.path, ""), "", "", "ambiguous", [a.path], note)
    for u in roster.unreadable:
        if u.organ is None:
            yield row("", "", "", "unreadable-unknown", [u.path], u.code)


def _printed(document: ResultDocument, paths: set[str]) -> dict[str, str]:
    """The organ each of `paths` names itself (one pass over the results, only when some are wanted)."""
    if not paths:
        return {}
    found: dict[str, str] = {}
    for r in document.results:
        if r.source.path in paths and r.report is not None and r.report.agency:
            found[r.source.path] = r.report.agency
    return found


def unreadable_organs(document: ResultDocument) -> dict[str, str]:
    """The roster organ each unreadable file is from (by its file or folder name), by path."""
    roster = document.roster
    return {u.path: u.organ for u in roster.unreadable if u.organ} if roster is not None else {}


SENTENCES: dict[str, Msg] = {
    "unreadable_files": Msg(
        "已报送但无法读取的（{count} 份）：{files}。请相关单位重新报送可读取的文件。",
        "Filed but unreadable ({count}): {files}. The organs concerned are asked to file a readable copy.",
    ),
    "unreadable_file": Msg("{organ}（{file}）", "{organ} ({file})"),
    "other_year_files": Msg(
        "报送的是其他年度报告的（{count} 份）：{files}。", "Filed a report of another year ({count}): {files}."
    ),
    "duplicate_files": Msg(
        "重复报送的（{count} 个机关）：{files}。", "Filed more than once ({count} organ(s)): {files}."
    ),
    "unmatched_files": Msg("不在名单内的文件（{count} 份）：{files}。", "Files not on the roster ({count}): {files}."),
    "ambiguous_files": Msg(
        "机关名称对应名单中多个机关、未能配对的文件（{count} 份）：{files}。",
        "Files whose organ fits several of the roster ({count}): {files}.",
    ),
}


def account_sentences(document: ResultDocument, lang: Lang) -> list[str]:
    """A sentence for each kind of file that is not simply its organ's report of the year, naming the files."""
    roster = document.roster
    if roster is None:
        return []

    def say(key: str, **params: object) -> str:
        return SENTENCES[key].render(lang, params)

    def joined(names: list[str]) -> str:
        return ("、" if lang is Lang.zh else ", ").join(names)

    said = []
    if roster.unreadable:
        files = [
            say("unreadable_file", organ=u.organ, file=file_name(u.path)) if u.organ else file_name(u.path)
            for u in roster.unreadable
        ]
        said.append(say("unreadable_files", count=len(files), files=joined(files)))
    if roster.other_year:
        files = [file_name(p) for p in roster.other_year]
        said.append(say("other_year_files", count=len(files), files=joined(files)))
    if roster.duplicates:
        groups = [" / ".join(file_name(p) for p in group) for group in roster.duplicates]
        said.append(say("duplicate_files", count=len(groups), files=joined(groups)))
    if roster.unmatched:
        files = [file_name(p) for p in roster.unmatched]
        said.append(say("unmatched_files", count=len(files), files=joined(files)))
    if roster.ambiguous:
        files = [file_name(a.path) for a in roster.ambiguous]
        said.append(say("ambiguous_files", count=len(files), files=joined(files)))
    return said
