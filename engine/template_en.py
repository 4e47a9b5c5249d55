"""The template's printed labels in English, for every English page, letter and message: a reader of the English
version sees "Table 4, 'Administrative reconsideration'", not the Chinese row it stands for.

Labels are matched whole, or as a cell's "row/column" (or a list of them joined by ；) made of known labels; anything
else (an organ's name, a sentence quoted from a report) is left as it is.
"""

from __future__ import annotations

import re

ENGLISH: dict[str, str] = {
    # Table 三: applicants
    "自然人": "natural persons",
    "商业企业": "commercial enterprises",
    "科研机构": "research institutions",
    "社会公益组织": "public-interest organisations",
    "法律服务机构": "legal service providers",
    "其他": "others",
    "总计": "total",
    # Table 三: rows
    "一、本年新收政府信息公开申请数量": "1. Applications received this year",
    "二、上年结转政府信息公开申请数量": "2. Applications carried over from last year",
    "三、本年度办理结果 （一）予以公开": "3. Outcomes (1) Disclosed",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "(2) Partly disclosed (counted here only)",
    "（三）不予公开 1.属于国家秘密": "(3) Withheld 1. State secrets",
    "2.其他法律行政法规禁止公开": "2. Barred by other laws and regulations",
    "3.危及“三安全一稳定”": "3. Endangering security or stability",
    "4.保护第三方合法权益": "4. Third parties' rights",
    "5.属于三类内部事务信息": "5. Internal affairs",
    "6.属于四类过程性信息": "6. Process information",
    "7.属于行政执法案卷": "7. Law-enforcement case files",
    "8.属于行政查询事项": "8. Administrative inquiry matters",
    "（四）无法提供 1.本机关不掌握相关政府信息": "(4) Cannot be provided 1. Not held by this organ",
    "2.没有现成信息需要另行制作": "2. Would have to be made",
    "3.补正后申请内容仍不明确": "3. Still unclear after correction",
    "（五）不予处理 1.信访举报投诉类申请": "(5) Not processed 1. Petitions, reports and complaints",
    "2.重复申请": "2. Repeated applications",
    "3.要求提供公开出版物": "3. Published material asked for",
    "4.无正当理由大量反复申请": "4. Many repeated applications without good reason",
    "5.要求行政机关确认或重新出具已获取信息": "5. Confirming or reissuing information already obtained",
    "（六）其他处理": "(6) Other handling",
    "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": (
        "(6) Other handling 1. Not corrected in time without good reason"
    ),
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": (
        "2. Fee not paid in time after a fee notice"
    ),
    "3.其他": "3. Other",
    "（七）总计": "(7) Total",
    "四、结转下年度继续办理": "4. Carried forward to next year",
    "（三）不予公开 小计": "(3) Withheld, subtotal",
    "（四）无法提供 小计": "(4) Cannot be provided, subtotal",
    "（五）不予处理 小计": "(5) Not processed, subtotal",
    "（六）其他处理 小计": "(6) Other handling, subtotal",
    # Table 四
    "行政复议": "Administrative reconsideration",
    "行政诉讼·未经复议直接起诉": "Litigation without reconsideration first",
    "行政诉讼·复议后起诉": "Litigation after reconsideration",
    "结果维持": "upheld",
    "结果纠正": "corrected",
    "其他结果": "other outcome",
    "尚未审结": "pending",
    # Table 二
    "第二十条第（一）项 规章": "Art. 20(1) Rules",
    "规范性文件": "Normative documents",
    "行政规范性文件": "Administrative normative documents",
    "第二十条第（五）项 行政许可": "Art. 20(5) Administrative licensing",
    "其他对外管理服务事项": "Other external services",
    "第二十条第（六）项 行政处罚": "Art. 20(6) Administrative penalties",
    "行政强制": "Administrative coercion",
    "第二十条第（八）项 行政事业性收费": "Art. 20(8) Administrative fees",
    "第二十条第（九）项 政府集中采购": "Art. 20(9) Centralised government procurement",
    "本年新制作数量": "made this year",
    "本年新公开数量": "published this year",
    "对外公开总数量": "published in all",
    "上一年项目数量": "items last year",
    "本年增/减": "change this year",
    "处理决定数量": "decisions",
    "本年处理决定数量": "decisions this year",
    "本年制发件数": "issued this year",
    "本年废止件数": "repealed this year",
    "现行有效件数": "in force",
    "本年收费金额（单位：万元）": "fees this year (10,000 yuan)",
    "采购项目数量": "procurement items",
    "采购总金额": "procurement amount",
}
_PARTS = re.compile(r"\s*(/|；)\s*")  # not 、: labels hold it (三、本年度办理结果)
_SEPARATORS = {"/": " / ", "；": "; "}


def english(text: str) -> str:
    """`text` in English when it is a template label, or labels joined by / and ；; else `text` itself."""
    if text in ENGLISH:
        return ENGLISH[text]
    pieces = _PARTS.split(text)
    if len(pieces) < 3:
        return text
    labels, separators = pieces[::2], pieces[1::2]
    if not all(label in ENGLISH for label in labels):
        return text
    out = ENGLISH[labels[0]]
    for separator, label in zip(separators, labels[1:], strict=True):
        out += _SEPARATORS[separator] + ENGLISH[label]
    return out
