"""`lianfang extract` as a real subprocess: JSONL in, JSONL out, errors per line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LIANFANG = Path(sys.executable).with_name("lianfang")


def run(args: list[str], stdin: bytes, lang: str = "en") -> list[dict]:
    env = {**os.environ, "LIANFANG_LANG": lang}
    proc = subprocess.run([str(LIANFANG), "extract", *args], input=stdin, capture_output=True, env=env,
                          timeout=60, check=True)
    return [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]


def test_jsonl_with_malformed_lines(tmp_path: Path) -> None:
    data = (
        '{"id": "a", "text": "加薇信：bsa-ri8，电话１３８ ００１３ ８０００"}\n'
        "not json\n"
        '{"id": "b"}\n'
        '{"id": "c", "text": 5}\n'
    ).encode() + b"\xff\xfe broken\n" + b'{"id": "d", "text": "QQ 12345678"}\n'
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    out = run([str(path)], b"")
    assert len(out) == 6
    assert out[0]["id"] == "a"
    assert [(i["type"], i["value"], i["raw"]) for i in out[0]["indicators"]] == [
        ("wechat", "bsa-ri8", "bsa-ri8"), ("phone", "+8613800138000", "１３８ ００１３ ８０００")]
    for record, line in zip(out[1:5], (2, 3, 4, 5), strict=True):
        assert record["id"] is None and f"line {line}" in record["error"]
    assert "UTF-8" in out[4]["error"]
    assert out[5] == {"id": "d", "indicators": [{"type": "qq", "value": "12345678", "start": 3, "end": 11,
                                                 "raw": "12345678"}]}


def test_stdin_text_format_and_chinese_errors() -> None:
    out = run(["--format", "text"], "电话13800138000\n\n你好\n".encode())
    assert [r["id"] for r in out] == [1, 3]
    assert out[0]["indicators"][0]["value"] == "+8613800138000" and out[1]["indicators"] == []
    (err,) = run([], b"{oops\n", lang="zh")
    assert err["id"] is None and "第 1 行" in err["error"]
