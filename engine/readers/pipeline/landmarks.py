"""What every reader needs to find in prose: section headings, the title, the year and the organ."""

from __future__ import annotations

import datetime as dt
import re

from nianbao.engine.model import SectionKey
from nianbao.engine.organs import strip_markers
from nianbao.engine.readers.pipeline.normalize import compact, label_key, squeeze

_HEADING = re.compile(r"^[#*>\s]*([一二三四五六])\s*([、.．]?)\s*(.+)$")
# How headings begin; a numeral without 、 is only a heading when one of these follows it (extraction
# sometimes loses the 、), so that prose wrapped after 一 or 二 is not taken for a heading.
_HEADING_STARTS = (
    "总体情况",
    "主动公开",
    "收到和处理",
    "政府信息公开行政复议",
    "因政府信息公开",
    "存在",
    "其他需要报告",
    "其他需报告",
)
_MAX_HEADING = 40


def _classify(rest: str) -> SectionKey | None:
    """The section a heading's words name (numbering aside: variants and renumbered reports exist)."""
    if rest.startswith("总体情况") or rest == "概述":
        return SectionKey.overview
    # 其他需要报告的事项, 其他需报告的事项 (a common variant without 要), and OCR's 其他需要鬼告的事项
    if re.search(r"其他需要?报告", rest) or (rest.startswith("其他需") and rest.endswith("事项")):
        return SectionKey.other_matters
    if "问题" in rest and any(w in rest for w in ("改进", "整改", "措施", "存在")):
        return SectionKey.problems
    if "行政复议" in rest or "行政诉讼" in rest:
        return SectionKey.review_litigation
    if "申请" in rest and any(w in rest for w in ("收到", "处理情况", "依申请")) and "数量" not in rest:
        return SectionKey.applications
    if "主动公开" in rest and "申请" not in rest and rest.endswith("情况"):
        return SectionKey.proactive
    return None


def match_heading(line: str) -> tuple[SectionKey, str] | None:
    """The section a line heads, with the heading as printed (whitespace removed), or None."""
    text = compact(line).strip("#*>")
    if not text or len(text) > _MAX_HEADING:
        return None
    m = _HEADING.match(text)
    if not m or text.endswith(("。", "；", ";")):
        return None
    rest = label_key(m.group(3))
    if any(ch.isdigit() for ch in rest) or (not m.group(2) and not rest.startswith(_HEADING_STARTS)):
        return None
    key = _classify(rest)
    return (key, squeeze(line).lstrip("#*>")) if key else None


_TITLE_END = re.compile(r"(年度报告|年报|工作报告)")
_MAX_TITLE_LINE = 50
# A portal's site name after the title, as its <title> and a printed page's "标题：" line give it:
# "…年度报告-沭阳县发改局".
_SITE_SUFFIX = re.compile(r"[-—–_|｜]{1,2}[^，。；、]{1,24}")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})年")
_YEAR_PHRASE = re.compile(r"(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年度?")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})年")
_PERIOD = re.compile(r"统计(?:期限|时限|期间|时段|区间)[^。；]{0,24}?((?:19|20)\d{2})年")
# A title's end after the organ's name; a workbook's title adds the table's word (…年度报告统计表, …公开情况统计表).
_TITLE_SUFFIX = re.compile(
    r"(?:(?:政府信息公开|政务信息公开|信息公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|情况)|年度报告|年报)"
    r"(?:统计表|情况表|数据表|附表)?$|(?:统计表|情况表|数据表|附表)$"
)


# A portal's metadata line above an article (printed pages keep it): never part of the title.
_PORTAL_META = re.compile(
    r"索引号|发布机构|发文机关|发布日期|发布时间|成文日期|来源[:：]|浏览次数|字号[:：]|【[大中小]】"
)
_TITLE_LINES = 15
# How a title's first line ends when the title goes on below it: an organ's name (淮安市人民政府 / 2024年…报告).
_ORGAN_END = re.compile(
    r"(?:局|委员会|委|办公室|办|政府|院|会|厅|室|处|所|中心|镇|街道|乡|区|县|市|省|部|署|队|站|社)$"
)


def _opens_title(text: str) -> bool:
    """Whether a line can be a title's first line: a long line (a title wrapped), a year, or an organ's name — not a
    portal's menu item (首页, 政务公开, 互动交流)."""
    return len(text) >= 8 or any(ch.isdigit() for ch in text) or bool(_ORGAN_END.search(text))


def find_title(lines: list[str]) -> str | None:
    """The title: one to three consecutive short lines near the top, joined, ending with 报告 (or 年报); prose that
    merely mentions the report does not count. A title with a year wins over one without, then the first: a printed
    portal page puts its navigation (首页 政务公开 政府信息公开年报) and metadata above the title."""
    texts = [t for t in (compact(line).strip("#*>") for line in lines[:_TITLE_LINES]) if t]
    found: list[tuple[bool, int, str]] = []  # (no year, start, title)
    for start in range(len(texts)):
        joined = ""
        for taken, text in enumerate(texts[start : start + 3], start=1):
            if len(text) > _MAX_TITLE_LINE or _PORTAL_META.search(text):
                break
            if taken == 2 and not _opens_title(joined):
                break
            joined += text if joined else strip_markers(text)
            if not joined:
                break  # a page marker alone on its line (正文, 附件): the title starts on the next
            end = _TITLE_END.search(joined)
            if end and (len(joined) - end.end() <= 2 or _SITE_SUFFIX.fullmatch(joined[end.end() :])):
                title = joined[: end.end()]
                found.append((year_in(title) is None, start, title))
                break
    return min(found)[2] if found else None


def year_in(text: str | None) -> int | None:
    if not text:
        return None
    m = _YEAR_IN_TITLE.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text)
    if m:
        year = int(m.group(1).translate(_CN_DIGITS))
        return year if 1990 < year < 2100 else None
    return None


def period_year(full_text: str) -> int | None:
    """The year of the 统计期限 sentence (本报告中所列数据统计期限自 Y 年 1 月 1 日起…)."""
    m = _PERIOD.search(compact(full_text))
    return int(m.group(1)) if m else None


def agency_from_title(title: str | None) -> str | None:
    if not title:
        return None
    name = _balanced(_YEAR_PHRASE.sub("", title, count=1))
    name = _balanced(_EMPTY_PARENS.sub("", _TITLE_SUFFIX.sub("", name)))
    if name[:1] in ("（", "(") and name[-1:] in ("）", ")") and _opens(name) == 1:
        name = name[1:-1]  # the whole name in brackets
    return strip_markers(name) or None


def _balanced(name: str) -> str:
    """Punctuation and stray brackets trimmed from both ends; an organ's own (办公室（政务服务管理局）) kept."""
    name = name.strip("，,。:： ")
    while name[-1:] in ("）", ")", "（", "(") and (name[-1] in "（(" or _opens(name) < _closes(name)):
        name = name[:-1].rstrip("，,。:： ")
    while name[:1] in ("（", "(", "）", ")") and (name[0] in "）)" or _opens(name) > _closes(name)):
        name = name[1:].lstrip("，,。:： ")
    return name


_EMPTY_PARENS = re.compile(r"[（(]\s*[）)]")


def _opens(text: str) -> int:
    return text.count("（") + text.count("(")


def _closes(text: str) -> int:
    return text.count("）") + text.count(")")


_END_DATE = re.compile(
    r"^([12]\d{3}|[〇零一二三四五六七八九]{4})年([0-9]{1,2}|[一二三四五六七八九十]{1,3})月([0-9]{1,2}|[一二三四五六七八九十]{1,3})日$"
)
_CN_SMALL = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_SMALL.get(text, 0)
    tens, _, units = text.partition("十")
    return (_CN_SMALL.get(tens, 1) if tens else 1) * 10 + _CN_SMALL.get(units, 0)


def date_at_end(lines: list[str]) -> dt.date | None:
    """The date printed under the signature at the end of a report (2024年1月17日, 二〇二四年一月十七日)."""
    for line in reversed([compact(x) for x in lines[-3:]]):
        m = _END_DATE.match(line)
        if m:
            year = int(m.group(1).translate(_CN_DIGITS))
            try:
                return dt.date(year, _small_number(m.group(2)), _small_number(m.group(3)))
            except ValueError:
                return None
    return None
