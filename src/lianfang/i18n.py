"""zh-CN / en message catalogue shared by the CLI, API errors and the UI."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "bad_json_line": ("第 {line} 行不是合法的 JSON：{error}", "line {line} is not valid JSON: {error}"),
    "missing_text": ("第 {line} 行缺少 text 字段", "line {line} has no 'text' field"),
    "bad_utf8": ("第 {line} 行不是合法的 UTF-8 编码", "line {line} is not valid UTF-8"),
}


def current_lang() -> str:
    """Return "en" or "zh" from LIANFANG_LANG (default zh)."""
    return "en" if os.environ.get("LIANFANG_LANG", "zh").lower().startswith("en") else "zh"


def t(key: str, lang: str | None = None, **params: object) -> str:
    """Translate message `key` into `lang` (default: current_lang()) and fill `params`."""
    zh, en = MESSAGES[key]
    template = en if (lang or current_lang()) == "en" else zh
    return template.format(**params)
