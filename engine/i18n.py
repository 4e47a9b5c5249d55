"""Messages in Chinese (default) and English, built from a key and parameters.

Rules declare their own messages next to their code (`Rule.messages`); the engine's own messages
(read errors, CLI lines) are in `ENGINE_MESSAGES`. Renderers pick the language; nothing else formats text.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from nianbao.engine.template_en import english

log = logging.getLogger(__name__)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


@dataclass(frozen=True)
class Msg:
    """One message in both languages; `{name}` placeholders are filled from the parameters."""

    zh: str
    en: str

    def render(self, lang: Lang | str, params: Mapping[str, Any] | None = None) -> str:
        text = self.en if lang == Lang.en else self.zh
        values = dict(params or {})
        if lang == Lang.en:  # a template label given as a parameter (a row, a cell) reads in English too
            values = {k: english(v) if isinstance(v, str) else v for k, v in values.items()}
        try:
            return text.format_map(values)
        except (KeyError, IndexError, ValueError) as exc:
            # A message with a missing parameter is a bug in a rule, not a reason to lose the finding.
            log.warning("message %r lacks a parameter: %s", text, exc)
            return text


ENGINE_MESSAGES: dict[str, Msg] = {
    "error.not-found": Msg(
        "文件不存在。请检查路径和文件名是否正确。",
        "The file does not exist. Check the path and the file name.",
    ),
    "error.unreadable": Msg(
        "文件无法读取（已损坏或不完整）。请从原文件重新导出 PDF 或 DOCX，完整上传后再提交。",
        "The file cannot be read (damaged or incomplete). Export the PDF or DOCX again from the original and "
        "submit the whole file.",
    ),
    "error.invalid-json": Msg(
        "JSON 报告不符合报告模型（schemas/report.schema.json）：{detail}。请按模型修正后再提交。",
        "The JSON report does not match the report model (schemas/report.schema.json): {detail}. "
        "Fix it and submit again.",
    ),
    "error.bad-json": Msg(
        "JSON 文件格式错误：{detail}。",
        "The JSON file is malformed: {detail}.",
    ),
    "error.unsupported": Msg(
        "不支持的文件类型“{suffix}”。请提交 PDF、HTML、DOCX、TXT 或 JSON 文件。",
        "Unsupported file type '{suffix}'. Submit a PDF, HTML, DOCX, TXT or JSON file.",
    ),
    "error.unsupported-image": Msg(
        "这是图片（“{suffix}”，可能是扫描件），无法读取其中的文字。请提交由 Word/WPS 导出的 PDF 或 DOCX。",
        "This is an image ('{suffix}', a scan?); its text cannot be read. Submit the PDF or DOCX exported from "
        "Word/WPS.",
    ),
    "error.unsupported-sheet": Msg(
        "这是电子表格（“{suffix}”），不是年度报告正文。请提交年度报告的 PDF、DOCX 或网页。",
        "This is a spreadsheet ('{suffix}'), not the annual report. Submit the report as PDF, DOCX or a web page.",
    ),
    "error.unsupported-archive": Msg(
        "只能读取 zip 压缩包（这是“{suffix}”）。请解压后提交，或改用 zip 打包。",
        "Only zip archives are read (this is '{suffix}'). Unpack it, or pack the reports as a zip.",
    ),
    "error.not-a-report": Msg(
        "文件可以读取，但未找到年度报告的六个部分或统计表格，不像是政府信息公开工作年度报告。请上传年度报告正文本身。",
        "The file is readable, but none of the six sections or template tables were found: "
        "it does not look like an annual disclosure report. Upload the report itself.",
    ),
    "error.out-of-scope": Msg(
        "这是 {year} 年度的报告（2019 年以前的格式），现行年报格式（2019 版、2021 版）不适用，未评分。",
        "This is a report for {year} (the pre-2019 format); the current templates (2019, 2021) do not apply, "
        "so it was not scored.",
    ),
    "error.old-format": Msg(
        "这份报告使用 2019 年以前的统计表（指标名称、计量单位），现行年报格式（2019 版、2021 版）不适用，未评分。",
        "This report uses the pre-2019 statistics table (指标名称, 计量单位); the current templates (2019, 2021) "
        "do not apply, so it was not scored.",
    ),
    "error.blank-template": Msg(
        "这是空白的年度报告格式模板（统计表全部为空，正文只有“文字描述”等占位内容），尚未填写。请填写后再检查。",
        "This is the blank report template (every table cell empty, placeholder text only): it has not been "
        "filled in. Fill it in, then check it.",
    ),
    "error.too-large": Msg(
        "文件过大（{size}，上限 {limit}）。",
        "The file is too large ({size}; the limit is {limit}).",
    ),
    "error.encrypted": Msg(
        "PDF 文件已加密，无法读取。请提交未加密的 PDF。",
        "The PDF is encrypted and cannot be read. Submit an unencrypted PDF.",
    ),
    "error.pages-no-text": Msg(
        "PDF 第 {pages} 页的内容是图片（扫描页、以图片粘贴的表格，或文字无法提取），文字层里没有。"
        "请提交由 Word/WPS 直接导出的 PDF；如需识别这些页，请安装 OCR 组件"
        "（pip install 'nianbao[ocr]' 及 tesseract-ocr、tesseract-ocr-chi-sim）。",
        "Page(s) {pages} of the PDF show what its text layer does not hold (scanned pages, tables pasted as pictures, "
        "or text that cannot be extracted). Submit the PDF exported from Word/WPS; to read these pages, install the "
        "OCR extra (pip install 'nianbao[ocr]' with tesseract-ocr and tesseract-ocr-chi-sim).",
    ),
    "error.no-text": Msg(
        "PDF 没有文字层（可能是扫描件）。请提交由 Word/WPS 直接导出的 PDF；如需识别扫描件，请安装 OCR 组件"
        "（pip install 'nianbao[ocr]' 及 tesseract-ocr、tesseract-ocr-chi-sim）。",
        "The PDF has no text layer (probably a scan). Submit the PDF exported from Word/WPS; to read scans, install "
        "the OCR extra (pip install 'nianbao[ocr]' with tesseract-ocr and tesseract-ocr-chi-sim).",
    ),
    "finding.one-cause": Msg(
        "同一数字还使另外 {count} 项核对（{rules}）不成立：若“{cell}”为 {value}，各项均成立，请先核对该数字。",
        "The same figure breaks {count} more check(s) ({rules}): were '{cell}' {value}, all would hold. Check that "
        "figure first.",
    ),
    "finding.ocr-doubt": Msg(
        "（注意：该结论所依据的单元格 {cells} 为扫描件经 OCR 识别、置信度较低，请先对照原件核对该数字。）",
        "(Note: the cells {cells} this rests on were read from a scan by OCR with low confidence; check the figures "
        "against the original first.)",
    ),
    "finding.placement-doubt-similarity": Msg(
        "（注意：原文该行标签为“{label}”，与模板“{row}”行相近，系按此认定，请对照原件核对。）",
        "(Note: the row is printed as '{label}', which was taken for the template row '{row}' as the nearest "
        "label; check it against the original.)",
    ),
    "finding.placement-doubt-merged": Msg(
        "（注意：原文该行标签“{label}”含有多个模板行，疑为几行读成了一行，其数值按“{row}”行采用，请对照原件核对。）",
        "(Note: the row's label '{label}' holds several template rows, as if rows were read as one; its figures were "
        "taken for the template row '{row}'; check it against the original.)",
    ),
    "finding.placement-doubt-order": Msg(
        "（注意：原文该行标签“{label}”经 OCR 识别不清，按其在表中的位置认作“{row}”行，请对照原件核对。）",
        "(Note: the row's label '{label}' could not be read by OCR; it was taken for the template row '{row}' by "
        "where it stands; check it against the original.)",
    ),
    "finding.unread-doubt": Msg(
        "（注意：该处内容是从扫描件或图片经 OCR 识别的；可能是未能识别，而非报告缺漏，请对照原件核对后再认定。）",
        "(Note: this part was read by OCR from a scan or a picture; this may be what could not be recognised rather "
        "than what the report lacks. Check the original before counting it.)",
    ),
    "error.illegible": Msg(
        "扫描件或照片识别不清：只读出模板 {expected} 行中的 {rows} 行、六个部分中的 {sections} 个，无法据此检查。"
        "请将纸张放平、放正，在白色背景上以 200–300 dpi 重新扫描，或提交由 Word/WPS 导出的原文件。",
        "The scan or photo could not be read well enough to check: only {rows} of the template's {expected} table "
        "rows and {sections} of the six sections were read. Rescan it flat and straight, on white, at 200–300 dpi, or "
        "send the file exported from Word/WPS.",
    ),
    "finding.prose-doubt": Msg(
        "（注意：该结论所依据的文字是扫描件经 OCR 识别的，字词和数字都可能误读，请对照原件核对。）",
        "(Note: the text this rests on was read from a scan by OCR, and its words and figures may be misread; check "
        "it against the original.)",
    ),
    "error.images-missing": Msg(
        "网页正文中有 {count} 张图片未随网页提交，报告的统计表可能就在图片中，无法检查。"
        "请将网页连同浏览器保存时生成的“{folder}”文件夹一起提交（或打包成一个 zip），或提交报告的 PDF/Word 原文件。",
        "The page shows {count} picture(s) that were not sent with it, and the report's tables may be in them, so it "
        "cannot be checked. Send the page together with the '{folder}' folder the browser saved beside it (or both "
        "in one zip), or the report's PDF or Word file.",
    ),
    "error.needs-ocr": Msg(
        "“{suffix}”图片需要 OCR 组件才能读取，本机未安装（pip install 'nianbao[ocr]' 及 tesseract-ocr、"
        "tesseract-ocr-chi-sim）。请提交由 Word/WPS 直接导出的 PDF 或 DOCX。",
        "A '{suffix}' image needs the OCR extra, which is not installed here (pip install 'nianbao[ocr]' with "
        "tesseract-ocr and tesseract-ocr-chi-sim). Submit the PDF or DOCX exported from Word/WPS.",
    ),
    "error.scan-no-text": Msg(
        "文字识别（OCR）没有在扫描件中识别出文字（图像过于模糊或不是报告）。"
        "请提交清晰的扫描件，或由 Word/WPS 直接导出的 PDF。",
        "Text recognition (OCR) found no text in the scan (too blurred, or not a report). Submit a clearer scan, or "
        "the PDF exported from Word/WPS.",
    ),
    "error.ocr-failed": Msg(
        "文字识别（OCR）失败：{detail}。请提交由 Word/WPS 直接导出的 PDF。",
        "Text recognition (OCR) failed: {detail}. Submit the PDF exported from Word/WPS.",
    ),
    "error.timeout": Msg(
        "检查超时（超过 {seconds} 秒），已跳过该文件。",
        "Checking timed out (over {seconds} s); the file was skipped.",
    ),
    "error.internal": Msg(
        "读取时发生内部错误：{detail}。请将该文件报告给 Nianbao 开发者。",
        "An internal error occurred while reading: {detail}. Please report this file to the Nianbao developers.",
    ),
    "error.encrypted-archive": Msg(
        "压缩包中的文件有密码保护，无法读取。请提交未加密的压缩包。",
        "The archive member is password-protected. Submit an archive without a password.",
    ),
    "error.zip-bomb": Msg(
        "压缩包中的文件解压后超过压缩大小的 {ratio} 倍，疑似压缩炸弹，已拒绝。",
        "The archive member inflates to more than {ratio} times its compressed size (a zip bomb); refused.",
    ),
    "error.stream-too-large": Msg(
        "PDF 中有数据流解压后超过 {limit}（疑似解压炸弹或异常文件），已拒绝。请重新导出 PDF。",
        "A stream in the PDF inflates beyond {limit} (a decompression bomb, or a damaged file); refused. "
        "Export the PDF again.",
    ),
    "error.ofd-no-text": Msg(
        "OFD 文件里没有文字（可能是扫描件）。请提交由 Word/WPS 直接导出的 OFD、PDF 或 DOCX。",
        "The OFD holds no text (probably a scan). Submit the OFD, PDF or DOCX exported from Word/WPS.",
    ),
    "error.ofd-too-deep": Msg(
        "OFD 文件的 XML 嵌套超过 {depth} 层，不像正常的年报（疑似恶意构造），已拒绝。请重新导出 OFD 或 PDF。",
        "The OFD's XML nests more than {depth} levels deep, unlike any report; refused. Export the OFD or PDF again.",
    ),
    "error.ofd-too-complex": Msg(
        "OFD 文件过于复杂（{what_zh}过多），不像是年度报告，未读取。请重新导出 OFD 或 PDF。",
        "The OFD is too complex (too many {what}); it does not look like an annual report and was not read. "
        "Export it again.",
    ),
    "error.html-too-deep": Msg(
        "网页的标签嵌套超过 {depth} 层，不像正常的年报页面（疑似恶意构造），已拒绝。",
        "The page nests its elements more than {depth} levels deep, unlike any report page; refused.",
    ),
    "error.wrong-extension": Msg(
        "文件扩展名是“{suffix}”，但内容是 {actual} 文件。",
        "The file is named '{suffix}' but holds a {actual} file.",
    ),
    "error.zip-slip": Msg(
        "压缩包中的这个文件名指向压缩包之外（含“../”或绝对路径），疑似恶意构造，已拒绝，未写出任何文件。",
        "This archive entry's name points outside the archive ('../' or an absolute path); refused, nothing "
        "was written.",
    ),
    "error.nested-archive": Msg(
        "压缩包中又套了压缩包，不予处理。请将报告直接放入一个压缩包提交。",
        "An archive inside an archive is not read. Put the reports directly into one archive.",
    ),
    "error.archive-unreadable": Msg(
        "压缩包无法打开（已损坏或不是 zip 文件）。请重新打包为 zip 后再提交。",
        "The archive cannot be opened (damaged, or not a zip file). Pack the reports as a zip again.",
    ),
    "error.needs-libreoffice": Msg(
        "“{suffix}”文件需要 LibreOffice 才能读取，本机未安装。请在 Word/WPS 中另存为 DOCX 或 PDF 后再提交。",
        "A '{suffix}' file needs LibreOffice, which is not installed here. Save it as DOCX or PDF in Word/WPS "
        "and submit that.",
    ),
    "error.conversion-failed": Msg(
        "“{suffix}”文件无法转换，可能已损坏或设有密码。请在 Word/WPS 中另存为 DOCX 或 PDF 后再提交。",
        "The '{suffix}' file could not be converted; it may be damaged or password-protected. Save it as DOCX or "
        "PDF in Word/WPS and submit that.",
    ),
    "roster.by-file": Msg(
        "报告中未找到机关名称，按文件名或所在文件夹名认定为名单中的“{organ}”，请核对。",
        "No organ's name was found in the report; it was taken for the roster's '{organ}' by its file's or folder's "
        "name. Check it.",
    ),
    "roster.near": Msg(
        "报告署名经 OCR 识别为“{name}”，与名单中的“{organ}”仅差一两个字，按“{organ}”认定，请核对。",
        "The report's name was read by OCR as '{name}', a character or two off the roster's '{organ}'; it was taken "
        "for '{organ}'. Check it.",
    ),
    "roster.ambiguous": Msg(
        "报告署名“{name}”与名单中多个机关相符（{candidates}），未自动配对，请在名单中补充别名。",
        "The report's name '{name}' fits several organs of the roster ({candidates}); it was not paired. "
        "Add an alias to the roster.",
    ),
    "error.pdf-reference-cycle": Msg(
        "PDF 文件内部的对象引用形成循环（文件已损坏或被恶意构造），无法读取。请重新导出 PDF。",
        "The PDF's internal references form a cycle (damaged or hostile file); it cannot be read. Export it again.",
    ),
    "error.pdf-too-complex": Msg(
        "PDF 文件过于复杂（{what_zh}超过 {limit}），不像是年度报告，未读取。请重新导出 PDF。",
        "The PDF is too complex ({what} beyond {limit}); it does not look like an annual report and was not read. "
        "Export it again.",
    ),
    "error.archive-too-many": Msg(
        "压缩包内文件超过 {limit} 个，已拒收。请分成几个压缩包提交。",
        "The archive holds more than {limit} files; refused. Submit it in parts.",
    ),
    "error.archive-duplicate": Msg(
        "压缩包内有多个同名文件“{name}”，无法确定哪一份是报告，均未检查。请改名后重新打包。",
        "The archive holds several files named '{name}'; which is the report cannot be told, so none was "
        "checked. Rename them and pack the archive again.",
    ),
    "error.special-file": Msg(
        "这不是普通文件（可能是管道或设备），未读取。请提交报告文件本身。",
        "This is not a regular file (a pipe or a device?); it was not read. Submit the report file itself.",
    ),
    "error.archive-too-large": Msg(
        "压缩包内文件解压后总计超过 {limit}，已拒绝。请分批提交。",
        "The archive's members inflate to more than {limit} in total; refused. Submit it in parts.",
    ),
    "error.memory": Msg(
        "读取该文件所需内存超过上限，已跳过（可能是损坏或恶意构造的文件）。",
        "Reading the file needed more memory than allowed; skipped (a damaged or hostile file?).",
    ),
    "error.memory-tree": Msg(
        "检查该文件时，检查进程连同其转换、识别程序共占内存超过 {limit}，已跳过（可能是损坏或恶意构造的文件）。",
        "Checking the file took more than {limit} of memory, its converter and OCR included; skipped "
        "(a damaged or hostile file?).",
    ),
    "error.crashed": Msg(
        "读取该文件时检查进程意外退出（退出码 {exitcode}），已跳过该文件，其余文件照常检查。",
        "The checking process died while reading this file (exit code {exitcode}); it was skipped, "
        "the other files were checked.",
    ),
    "error.worker-lost": Msg(
        "检查该文件的集群工作节点意外退出，换节点重试后仍未完成，已跳过该文件，其余文件照常检查。",
        "The cluster worker checking this file was lost, and so was the one that tried again; the file was "
        "skipped, the other files were checked.",
    ),
    "error.cluster-task": Msg(
        "集群未能运行该文件的检查，已跳过该文件。（{detail}）",
        "The cluster could not run this file's check; the file was skipped. ({detail})",
    ),
    "error.cluster-lost": Msg(
        "与集群的连接中断，该文件未能检查完成，请重新运行。",
        "The connection to the cluster was lost before this file was checked; run it again.",
    ),
    "error.cluster-no-workers": Msg(
        "集群已没有工作节点超过 {seconds} 秒，该文件未能检查，请恢复节点后重新运行。",
        "The cluster had no worker for more than {seconds} s, so this file was not checked; run it again once "
        "workers are back.",
    ),
    "error.cluster-mismatch": Msg(
        "集群工作节点上的规则与本机不同（{rules}），为免评分不一致，该文件未在该节点检查。请在各节点安装相同版本。",
        "The rules on the cluster worker differ from this machine's ({rules}); the file was not checked there, so "
        "that no score differs. Install the same version on every worker.",
    ),
    "cli.written": Msg(
        "已写入 {path}：{files} 个文件，已检查 {checked} 个，无法读取 {unreadable} 个，平均分 {mean}。",
        "Written to {path}: {files} file(s), {checked} checked, {unreadable} unreadable, mean score {mean}.",
    ),
    "cli.exit-1": Msg(
        "退出码 1：{count} 份报告有“错误”级问题或低于 --fail-under 分数线。",
        "Exit code 1: {count} report(s) have an error finding or score under --fail-under.",
    ),
    "cli.exit-2": Msg(
        "退出码 2：{count} 个文件无法读取（见各文件的说明），其余文件已检查。",
        "Exit code 2: {count} file(s) could not be read (see each file's message); the rest were checked.",
    ),
    "cli.letters": Msg("已写入 {count} 份反馈意见：{path}", "Wrote {count} feedback letter(s) to {path}"),
    "cli.circular": Msg("已写入通报稿：{path}", "Wrote the circular draft to {path}"),
    "usage.result-unreadable": Msg("无法读取结果文件 {path}：{reason}", "Cannot read the result file {path}: {reason}"),
    "usage.result-too-large": Msg("结果文件 {path} 过大。", "The result file {path} is too large."),
    "usage.not-a-result": Msg(
        "{path} 不是 Nianbao 的结果文件。请先运行 nianbao check --format json --output 结果.json。",
        "{path} is not a Nianbao result document. Run nianbao check --format json --output result.json first.",
    ),
    "usage.circular-suffix": Msg(
        "通报稿只能写成 .docx 或 .html 文件（{path}）。", "The circular is written as .docx or .html (not {path})."
    ),
    "usage.letters-zip": Msg(
        "多份报告的反馈意见须写入 .zip 文件（--output 反馈意见.zip），或改用 nianbao letters 写入文件夹。",
        "Letters for several reports go into a .zip (--output letters.zip), or use nianbao letters to write a folder.",
    ),
    "usage.cluster-extra": Msg(
        "--cluster 需要集群组件：pip install 'nianbao[cluster]'（安装 Dask 的 distributed）。",
        "--cluster needs the cluster extra: pip install 'nianbao[cluster]' (Dask's distributed).",
    ),
    "usage.cluster-unreachable": Msg(
        "无法连接集群调度器 {address}：{reason}", "Cannot reach the cluster's scheduler at {address}: {reason}"
    ),
    "usage.cluster-no-workers": Msg(
        "集群 {address} 没有工作节点。请先启动 dask worker（见 docs/cluster.md）。",
        "The cluster at {address} has no workers. Start dask worker first (docs/cluster.md).",
    ),
    "usage.cluster-mismatch": Msg(
        "集群工作节点 {workers} 安装的 Nianbao 与本机不同（节点 {theirs}，本机 {ours}），未开始检查。"
        "请在各节点安装相同版本和插件。",
        "Cluster worker(s) {workers} run another Nianbao than this machine (theirs {theirs}, ours {ours}); nothing "
        "was checked. Install the same version and plugins on every worker.",
    ),
    "usage.plugin-missing": Msg(
        "找不到插件文件 {plugin}。请检查 --plugin 后的路径。",
        "No plugin file {plugin}. Check the path after --plugin.",
    ),
    "plugin.failed": Msg(
        "插件 {plugin} 加载失败，已跳过：{reason}",
        "Plugin {plugin} failed to load and was skipped: {reason}",
    ),
    "rule.invalid": Msg(
        "插件 {plugin} 中的规则 {rule} 声明无效，已跳过：{reason}",
        "Rule {rule} from plugin {plugin} is invalid and was skipped: {reason}",
    ),
    "rule.crashed": Msg(
        "规则运行出错（已跳过，不影响其他规则）：{reason}",
        "The rule crashed (skipped; other rules were still run): {reason}",
    ),
}


def engine_message(key: str, lang: Lang | str = Lang.zh, **params: Any) -> str:
    return ENGINE_MESSAGES[key].render(lang, params)
