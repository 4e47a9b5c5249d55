"""The reader's notes in both languages: every note is written from a message, and read back into English with
the same parameters; what the report itself says (a label, a heading) stays as it was, in quotes."""

from __future__ import annotations

import re
import string

import pytest
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.notes import NOTES, in_language, note

SAMPLE = {
    "table": "表三",
    "what": "金额",
    "where": "元数据 articletitle",
    "unit": "万元",
    "template": "2021",
    "suffix": ".wps",
    "label": "其他（请注明）",
    "read": "四政府信息公开行政复议",
    "heading": "四、政府信息公开行政复议、行政诉讼情况",
    "agency": "青禾市人民政府办",
    "name": "青禾市人民政府办公室",
    "cell": "25.1万元",
    "meant": "依申请公开",
    "row": "行政事业性收费",
    "angle": "9.5",
    "value": "25.1",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _params(key: str) -> dict[str, str]:
    names = {name for _, name, _, _ in string.Formatter().parse(NOTES[key].zh) if name}
    return {name: SAMPLE.get(name, "7") for name in names}


@pytest.mark.parametrize("key", sorted(NOTES))
def test_each_note_reads_back_into_english(key):
    if key == "note.wrong-extension":
        said = engine_message("error.wrong-extension", Lang.zh, suffix=".pdf", actual="DOCX")
        text = note(key, said=said)
        english = in_language(text, Lang.en)
        assert english.startswith(engine_message("error.wrong-extension", Lang.en, suffix=".pdf", actual="DOCX"))
    else:
        text = note(key, **_params(key))
        english = in_language(text, Lang.en)
    assert english != text and in_language(text, Lang.zh) == text
    unquoted = re.sub(r"“[^”]*”", "", english)
    assert not CJK.search(unquoted), english  # the report's own words are quoted; nothing else stays Chinese


def test_a_note_no_message_made_stays_as_written():
    assert in_language("插件读取器自己的说明。", Lang.en) == "插件读取器自己的说明。"


def test_the_rosters_notes_read_in_english_too():
    text = engine_message("roster.by-file", Lang.zh, organ="青禾市自然资源局")
    assert in_language(text, Lang.en) == engine_message("roster.by-file", Lang.en, organ="青禾市自然资源局")
