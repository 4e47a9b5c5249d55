"""What a reader says about how it read a report (the model's `notes`), in both languages.

The report model keeps its notes as plain Chinese sentences (report-model.md: a list of strings), which is what the
office's documents print. Each sentence is written from one of the messages below, so a page or a document in
English finds the message a note came from (the Chinese template read back, its parameters taken out) and writes
the English one with the same parameters; a note from a plugin reader, or one this version does not know, stays as
it was written.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from nianbao.engine.i18n import ENGINE_MESSAGES, Lang, Msg

NOTES: dict[str, Msg] = {
    "note.converted": Msg(
        "原文件为 {suffix} 格式，已由 LibreOffice 转换为 DOCX 后读取。",
        "The file was a {suffix} file; LibreOffice converted it to DOCX, which was read.",
    ),
    "note.wrong-extension": Msg(
        "{said}已按内容读取，请改正扩展名。",
        "{said} It was read by its content; correct the file's extension.",
    ),
    "note.template-inferred": Msg(
        "表头未写明模板栏目，按表格的行结构判定为 {template} 版模板。",
        "The table headers name no template columns; the rows' structure says the {template} template.",
    ),
    "note.templates-mixed": Msg(
        "表格同时含有 2021 版（{new} 处）和 2019 版（{old} 处）模板的栏目名称，按多数判定模板。",
        "The tables use labels of both the 2021 template ({new}) and the 2019 one ({old}); the majority decided.",
    ),
    "note.damaged-bytes": Msg(
        "文件中有 {count} 处字节无法按编码解读，已用“�”代替；若影响数字或标题，请重新导出文件。",
        "{count} places in the file could not be decoded and show “�”; if a figure or a heading is hit, export the "
        "file again.",
    ),
    "note.row-similar": Msg(
        "{table}“{label}”行与模板行标签相近，认作“{meant}”行。",
        "{table}: the row “{label}” is close to the template's label and was taken as “{meant}”.",
    ),
    "note.row-by-place": Msg(
        "{table}“{label}”行的标签经 OCR 识别不清，按其在表中的位置认作“{meant}”行。",
        "{table}: the row “{label}” was not read clearly by OCR and was taken by its place as “{meant}”.",
    ),
    "note.row-merged": Msg(
        "{table}“{label}”行的标签含有多个模板行，疑为几行读成了一行，其数值按“{meant}”行采用。",
        "{table}: the row “{label}” holds the labels of several template rows, as if rows were read as one; its "
        "figures were taken as “{meant}”.",
    ),
    "note.row-unlabelled": Msg(
        "{table}中有一行 {count} 个数值没有行标签，未采用。",
        "{table}: a row of {count} figures has no label and was not used.",
    ),
    "note.row-repeated": Msg(
        "{table}“{label}”行重复出现，只采用第一次出现的数值。",
        "{table}: the row “{label}” appears twice; the first one's figures were used.",
    ),
    "note.row-extra-values": Msg(
        "{table}“{label}”行读到 {count} 个数值，只采用前 {width} 个。",
        "{table}: the row “{label}” has {count} figures; the first {width} were used.",
    ),
    "note.row-wrong-count": Msg(
        "{table}“{label}”行读到 {count} 个数值（应为 {width} 个），无法确定各列位置，未采用该行。",
        "{table}: the row “{label}” has {count} figures ({width} expected); which column each is in cannot be "
        "told, so the row was not used.",
    ),
    "note.row-short-placed": Msg(
        "{table}“{label}”行读到 {count} 个数值（应为 {width} 个），按各数值所在的栏放入，其余 {blank} 栏按空白处理，"
        "请对照原件核对。",
        "{table}: the row “{label}” has {count} figures ({width} expected); each was put in the column it stands in "
        "and the other {blank} left blank: check them against the original.",
    ),
    "note.row-columns": Msg(
        "{table}“{label}”行读到 {count} 个数值，与模板栏目数不符，未采用。",
        "{table}: the row “{label}” has {count} figures, not the template's number of columns; not used.",
    ),
    "note.header-figures": Msg(
        "{table}表头“{label}”中读到 {count} 个数字，表头不含数据，未采用。",
        "{table}: {count} figure(s) read among the header cells “{label}”; a header holds no data, so they were not "
        "used.",
    ),
    "note.row-stray-values": Msg(
        "{table}“{label}”行读到 {count} 个数值，其中 {stray} 个不在表中各数值栏之下（如单元格中的印章笔画），未采用。",
        "{table}: the row “{label}” has {count} figures; {stray} of them stand under none of the table's figure "
        "columns (a seal's stroke in a cell, say) and were left out.",
    ),
    "note.review-short": Msg(
        "表四只读到 {count} 个数值（应为 {width} 个），未采用。",
        "Table 4: only {count} figures were read ({width} expected); not used.",
    ),
    "note.review-split": Msg(
        "表四读到 {count} 个数值，其中 {blank} 个空白单元格视为被拆开的单元格，未采用。",
        "Table 4: {count} figures were read; {blank} blank cells were taken as pieces of split cells and dropped.",
    ),
    "note.review-scan-extra": Msg(
        "扫描件的表四识别出 {count} 个数值（模板为 {width} 栏），无法确定哪个是多出的，未采用。",
        "Table 4 of the scan: {count} figures were read ({width} columns in the template); which is extra cannot be "
        "told, so none was used.",
    ),
    "note.review-extra": Msg(
        "表四读到 {count} 个数值，只采用前 {width} 个。",
        "Table 4: {count} figures were read; the first {width} were used.",
    ),
    "note.money-unit": Msg(
        "表二“{row}”{what}写作“{cell}”，按 {value}（单位：{unit}）读取。",
        "Table 2, “{row}”: the {what} is written “{cell}” and was read as {value} (unit: {unit}).",
    ),
    "note.spreadsheet": Msg(
        "这是电子表格附件，只含统计表；报告正文请另行提交检查。",
        "This is a spreadsheet attachment with the tables only; submit the report's text to check it too.",
    ),
    "note.heading-misread": Msg(
        "标题“{read}”经 OCR 识别有误，按其序号和文字认作“{heading}”。",
        "The heading “{read}” was misread by OCR and was taken by its number and words as “{heading}”.",
    ),
    "note.heading-unnumbered": Msg(
        "标题“{read}”经 OCR 识别缺了序号，按其文字认作“{heading}”。",
        "The heading “{read}” lost its number in OCR and was taken by its words as “{heading}”.",
    ),
    "note.heading-by-table-unread": Msg(
        "第{section}部分的标题经 OCR 未能读出，按其后表格的表头（{header}）补上“{heading}”。",
        "The heading of section {number} could not be read by OCR at all; “{heading}” was put back by the header of "
        "the table that follows it ({header}).",
    ),
    "note.heading-by-table": Msg(
        "第{section}部分的标题经 OCR 未能识别（读作“{read}”），按其后表格的表头（{header}）认作“{heading}”。",
        "The heading of section {number} could not be read by OCR (read as “{read}”); taken as “{heading}” by the "
        "header of the table that follows it ({header}).",
    ),
    "note.agency-by-prose": Msg(
        "标题中的机关名称经 OCR 识别为“{agency}”，正文 {count} 处写作“{name}”，按正文认定。",
        "OCR read the organ's name in the title as “{agency}”; the text writes “{name}” {count} times, which was "
        "taken.",
    ),
    "note.scan": Msg(
        "本报告为扫描件，文字和表格数字经 OCR 识别；置信度较低的单元格已标出，请对照原件核对。",
        "This report is a scan: its text and figures were read by OCR. Cells read with low confidence are marked; "
        "check them against the original.",
    ),
    "note.pages-ocr": Msg(
        "PDF 第 {pages} 页的内容是图片或无法提取的文字（扫描页、以图片粘贴的表格、隐藏的识别文字或缺少字符映射的"
        "字体），已按图像经 OCR 识别；依据这些页内容的结论和“缺少”某部分的结论请对照原件核对。",
        "Page(s) {pages} of the PDF show pictures or text that cannot be extracted (scanned pages, tables pasted as "
        "pictures, another program's hidden OCR text, or fonts without a character map); they were read from their "
        "images by OCR. Check the findings that rest on them, and any finding that something is missing, against "
        "the original.",
    ),
    "note.text-layer-unread": Msg(
        "PDF 的文字层与页面显示的内容不符（字体缺少字符映射，复制出来是乱码；或是扫描件上隐藏的识别文字），"
        "已按页面图像经 OCR 识别。",
        "The PDF's text layer does not hold what its pages show (fonts without a character map, which copy out as "
        "garbage, or another program's hidden OCR text over a scan); its pages were read from their images by OCR.",
    ),
    "note.page-turned": Msg(
        "第 {page} 页图像方向不正，已顺时针转 {turn}° 后识别。",
        "Page {page} was not upright and was turned {turn}° clockwise before it was read.",
    ),
    "note.page-photo": Msg(
        "第 {page} 页为拍摄的照片，已按纸张边缘裁出并校正透视后识别。",
        "Page {page} is a photo: it was cut out along the paper's edges and its perspective undone before reading.",
    ),
    "note.page-tilted": Msg(
        "第 {page} 页倾斜约 {angle}°，已到可校正范围的边缘，识别可能不全；请放正后重新扫描。",
        "Page {page} is tilted by about {angle}°, at the edge of what can be corrected; some of it may not have "
        "been read. Scan it again, straight.",
    ),
    "note.traditional": Msg(
        "报告为繁体字，已转为简体字后检查；引文以简体字显示。",
        "The report is in traditional characters; it was checked in simplified ones, and quotes show them so.",
    ),
    "note.title-from-page": Msg(
        "正文前没有标题，标题取自网页的{where}。",
        "There is no title before the text; the title was taken from the web page's {where}.",
    ),
    "note.pictures-read": Msg(
        "网页中的 {count} 张图片经 OCR 识别（表格以图片发布）；置信度较低的单元格已标出，请对照原件核对。",
        "{count} pictures on the web page were read by OCR (the tables are published as pictures). Cells read with "
        "low confidence are marked; check them against the original.",
    ),
    "note.document-pictures-read": Msg(
        "文档中的 {count} 张图片经 OCR 识别（表格以图片粘贴）；置信度较低的单元格已标出，请对照原件核对。",
        "{count} pictures in the document were read by OCR (tables pasted as pictures). Cells read with low "
        "confidence are marked; check them against the original.",
    ),
    "note.pdf-truncated": Msg(
        "PDF 在第 {pages} 页之后损坏，只读取了前 {pages} 页。",
        "The PDF is damaged after page {pages}; its first {pages} pages were read.",
    ),
}

# Words the notes take as parameters, in English.
_WORDS = {
    "表二": "Table 2",
    "表三": "Table 3",
    "金额": "amount",
    "数量": "count",
    "（无标签）": "(no label)",
    "标题元素": "title element",
    "元": "yuan",
    "万元": "10,000 yuan",
    "笔": "items",
    "件": "items",
    "个": "items",
    "项": "items",
    "次": "times",
    "条": "items",
    "宗": "items",
    "份": "items",
    "起": "items",
}


def _word(value: str) -> str:
    if value.startswith("元数据 "):  # where a page's title was found: its metadata field, named
        return "metadata " + value.removeprefix("元数据 ")
    return _WORDS.get(value, value)


# The engine's own messages that are also written as notes (the roster's findings about a report's organ).
_ALSO = ("roster.by-file", "roster.near", "roster.ambiguous", "error.wrong-extension")


def note(key: str, **params: Any) -> str:
    """The note in Chinese, as the model keeps it."""
    return NOTES[key].render(Lang.zh, params)


@cache
def _patterns() -> list[tuple[re.Pattern[str], Msg]]:
    messages = [*NOTES.values(), *(ENGINE_MESSAGES[key] for key in _ALSO if key in ENGINE_MESSAGES)]
    out = []
    for message in messages:
        pattern, seen = "", set()
        for literal, name, _spec, _conv in string.Formatter().parse(message.zh):
            pattern += re.escape(literal)
            if name is None:
                continue
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.+?)"
            seen.add(name)
        out.append((re.compile(pattern, re.S), message))
    return out


def in_language(text: str, lang: Lang | str) -> str:
    """A note as the reader of `lang` reads it."""
    if lang != Lang.en:
        return text
    for pattern, message in _patterns():
        found = pattern.fullmatch(text)
        if found:
            params = {k: _word(v) for k, v in found.groupdict().items()}
            for key, value in params.items():  # a note inside a note (the wrong extension's own sentence)
                if key == "said":
                    params[key] = in_language(value, lang)
            return message.render(Lang.en, params)
    return text
