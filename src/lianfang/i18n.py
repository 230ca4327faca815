"""zh-CN / en message catalogue shared by the CLI, API errors and the UI."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (zh-CN, en)
    "bad_json_line": ("第 {line} 行不是合法的 JSON：{error}", "line {line} is not valid JSON: {error}"),
    "missing_text": ("第 {line} 行缺少 text 字段", "line {line} has no 'text' field"),
    "bad_field_line": ("第 {line} 行字段 {field} 无效：{error}",
                       "line {line}: field {field} is invalid: {error}"),
    # platform (issue 3)
    "org_created": ("已创建组织 {name}（id {id}）", "organisation {name} created (id {id})"),
    "key_created": ("已为 {org} 创建 {role} 密钥（只显示这一次，请妥善保存）：",
                    "{role} key for {org} created (shown once, keep it safe):"),
    "key_revoked": ("密钥 {key_id} 已吊销（各服务进程的缓存最迟 {ttl:.0f} 秒后失效）",
                    "key {key_id} revoked (server caches drop it within {ttl:.0f} s)"),
    "db_upgraded": ("数据库已升级到最新结构：{url}", "database upgraded to the newest schema: {url}"),
    "import_done": ("导入完成：新增 {created}，重复 {duplicates}，错误 {errors}（从第 {resumed} 行继续）",
                    "import done: {created} created, {duplicates} duplicates, {errors} errors "
                    "(resumed after line {resumed})"),
    "import_error_line": ("  {error}", "  {error}"),
    "importing": ("导入中", "importing"),
    "demo_loading": ("正在加载演示数据", "loading demo data"),
    "demo_done": ("演示数据：{created} 条新报告（{duplicates} 条已存在），{orgs} 个组织，"
                  "用时 {seconds:.1f} 秒",
                  "demo data: {created} new reports ({duplicates} already there), {orgs} organisations, "
                  "{seconds:.1f} s"),
    "demo_key": ("演示 API 密钥（{org}，警方角色）：{api_key}",
                 "demo API key ({org}, police role): {api_key}"),
    "serving": ("服务地址：http://{host}:{port}  （API 文档 /docs）",
                "serving at http://{host}:{port}  (API docs at /docs)"),
    "error": ("错误：{error}", "error: {error}"),
    "bad_utf8": ("第 {line} 行不是合法的 UTF-8 编码", "line {line} is not valid UTF-8"),
    # detection (issue 7)
    "model_trained": ("模型已训练并保存到 {path}（{rows} 行训练数据，{features} 个特征，"
                      "用时 {seconds:.1f} 秒）",
                      "model trained and saved to {path} ({rows} training rows, {features} features, "
                      "{seconds:.1f} s)"),
    "bad_scheme": ("不支持的标签体系 {value}（可选 native、chineseharm、cold）",
                   "unsupported scheme {value} (native, chineseharm or cold)"),
    # extraction (issue 6)
    "extract_bad_format": ("不支持的格式 {value}（可选 jsonl、text）",
                           "unsupported format {value} (jsonl or text)"),
    # link analysis (intel/)
    "intel_bad_row": ("第 {line} 条关联数据无效：{error}", "correlation row {line} is invalid: {error}"),
    "intel_unknown_indicator": ("未找到指标或无权查看：{indicator}",
                                "indicator not found or not visible: {indicator}"),
    "intel_unknown_report": ("未找到报告或无权查看：{report_id}",
                             "report not found or not visible: {report_id}"),
    # web inspection and tracing (issue 4)
    "web_page": ("页面：{source}（编码 {charset}）", "page: {source} (charset {charset})"),
    "web_redirects": ("HTTP 跳转：{chain}", "HTTP redirects: {chain}"),
    "web_verdict": ("结论：{verdict}", "verdict: {verdict}"),
    "web_findings": ("发现 {count} 项", "{count} findings"),
    "web_col_kind": ("类型", "kind"),
    "web_col_target": ("目标", "target"),
    "web_col_evidence": ("证据", "evidence"),
    "web_col_detail": ("说明", "detail"),
    "web_rendered": ("渲染后最终地址：{url}", "final URL after rendering: {url}"),
    "web_hidden_rendered": ("渲染后不可见的链接 {count} 个：", "{count} links invisible after rendering:"),
    "web_navigations": ("页面尝试跳转/打开：{urls}", "the page tried to navigate/open: {urls}"),
    "web_blocked": ("已拦截请求 {count} 个", "{count} requests blocked"),
    "web_screenshot": ("截图已保存：{path}", "screenshot saved: {path}"),
    "web_no_screenshot": ("没有截图（需要 --render）", "no screenshot (needs --render)"),
    "trace_summary": ("已抓取 {pages} 个页面，发现 {hits} 处指向恶意域名{truncated}",
                      "{pages} pages crawled, {hits} pointing to bad domains{truncated}"),
    "trace_truncated": ("（达到页面/时间上限，未抓完）", " (page/time limit reached, crawl incomplete)"),
    "trace_col_page": ("页面", "page"),
    "trace_col_domain": ("恶意域名", "bad domain"),
    "trace_col_how": ("方式", "how"),
    "trace_skipped": ("跳过 {count} 个页面（robots.txt 或抓取失败）",
                      "{count} pages skipped (robots.txt or fetch errors)"),
}


def current_lang() -> str:
    """Return "en" or "zh" from LIANFANG_LANG (default zh)."""
    return "en" if os.environ.get("LIANFANG_LANG", "zh").lower().startswith("en") else "zh"


def t(key: str, lang: str | None = None, **params: object) -> str:
    """Translate message `key` into `lang` (default: current_lang()) and fill `params`."""
    zh, en = MESSAGES[key]
    template = en if (lang or current_lang()) == "en" else zh
    return template.format(**params)
