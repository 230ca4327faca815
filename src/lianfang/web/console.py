"""Human (rich) output of inspections and traces for the CLI, in zh-CN or en."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lianfang.i18n import current_lang, t
from lianfang.web.finding import FINDING_NAMES, FindingKind
from lianfang.web.intake import InspectOutcome
from lianfang.web.trace import TraceReport

_MAX_CELL = 120


def _cut(text: object) -> str:
    value = " ".join(str(text or "").split())
    return escape(value if len(value) <= _MAX_CELL else value[: _MAX_CELL - 1] + "…")


def _kind_name(kind: FindingKind, lang: str) -> str:
    zh, en = FINDING_NAMES[kind]
    return en if lang == "en" else zh


def print_inspection(outcome: InspectOutcome, console: Console) -> None:
    """Print page, verdict, findings table and render summary of an inspection."""
    lang = current_lang()
    page = outcome.page
    console.print(t("web_page", source=escape(page.source), charset=page.charset))
    if page.redirects:
        console.print(t("web_redirects", chain=escape(" → ".join(page.redirects))))
    verdict = outcome.inspection.verdict
    console.print(t("web_verdict", verdict=escape(f"{verdict.label} ({verdict.score:.2f})")))
    findings = outcome.inspection.findings
    console.print(t("web_findings", count=len(findings)))
    if findings:
        table = Table(show_lines=False)
        for key in ("web_col_kind", "web_col_target", "web_col_evidence", "web_col_detail"):
            table.add_column(t(key))
        for finding in findings:
            table.add_row(
                _kind_name(finding.kind, lang),
                _cut(finding.target or ""),
                _cut(finding.evidence),
                _cut(finding.detail),
            )
        console.print(table)
    rendered = outcome.rendered
    if rendered is not None:
        if rendered.final_url:
            console.print(t("web_rendered", url=escape(rendered.final_url)))
        hidden = [link for link in rendered.links if not link.visible]
        if hidden:
            console.print(t("web_hidden_rendered", count=len(hidden)))
            for link in hidden:
                console.print(f"  {_cut(link.href)}  [dim]{_cut(link.text)} ({escape(link.reason)})[/dim]")
        if rendered.navigations:
            console.print(t("web_navigations", urls=escape(", ".join(rendered.navigations))))
        if rendered.blocked:
            console.print(t("web_blocked", count=len(rendered.blocked)))


def print_trace(report: TraceReport, console: Console) -> None:
    """Print the crawl summary and one row per page that points to a bad domain."""
    truncated = t("trace_truncated") if report.truncated else ""
    console.print(t("trace_summary", pages=report.pages_crawled, hits=len(report.hits), truncated=truncated))
    if report.hits:
        table = Table()
        columns = ("trace_col_page", "trace_col_domain", "trace_col_how", "web_col_target",
                   "web_col_evidence")
        for key in columns:
            table.add_column(t(key))
        for hit in report.hits:
            table.add_row(
                _cut(hit.page), escape(hit.bad_domain), escape(hit.how), _cut(hit.target), _cut(hit.evidence)
            )
        console.print(table)
    if report.skipped:
        console.print(f"[dim]{t('trace_skipped', count=len(report.skipped))}[/dim]")
