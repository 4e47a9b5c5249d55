"""Errors a reader raises for a file it cannot turn into a report (codes of spec/interfaces.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from nianbao.engine.i18n import Lang, engine_message


class ErrorCode(StrEnum):
    unreadable = "unreadable"
    encrypted = "encrypted"
    no_text = "no-text"
    unsupported = "unsupported"
    too_large = "too-large"
    timeout = "timeout"
    not_a_report = "not-a-report"
    # Readable and a report, but not one the current templates apply to: a pre-2019 report (the old
    # 统计表 with 指标名称/计量单位) or the blank official template.
    out_of_scope = "out-of-scope"
    # A scan or photo read by OCR in which too little of the template could be read to judge the report.
    illegible = "illegible"
    # A saved portal page whose tables are pictures that were not sent with it.
    images_missing = "images-missing"


class ReadError(Exception):
    """A file that cannot be checked. Carries a code and a message key, never a traceback."""

    def __init__(self, code: ErrorCode, key: str | None = None, **params: Any) -> None:
        self.code = code
        self.key = key or f"error.{code.value}"
        self.params = params
        super().__init__(self.message(Lang.en))

    def message(self, lang: Lang | str = Lang.zh) -> str:
        return engine_message(self.key, lang, **self.params)


class UsageError(Exception):
    """A mistake in how nianbao was called (bad option, bad profile): exit code 2."""
