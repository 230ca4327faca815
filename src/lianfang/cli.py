"""Command line: thin Typer wiring; every command calls a function in the packages.

Messages come in zh-CN and en (LIANFANG_LANG=en for English; Chinese is the default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="联防 Lianfang — 黑灰产联防平台 / joint defence against the black/gray industry",
                  no_args_is_help=True)
org_app = typer.Typer(help="组织管理 / organisations", no_args_is_help=True)
key_app = typer.Typer(help="API 密钥 / API keys", no_args_is_help=True)
db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)
model_app = typer.Typer(help="分类模型 / classifier model", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(key_app, name="key")
app.add_typer(db_app, name="db")
app.add_typer(model_app, name="model")

# --- platform: serve, demo, import, org, key, db (issue 3) ---


def _fail(exc: Exception) -> typer.Exit:
    from lianfang.i18n import t

    typer.echo(t("error", error=exc), err=True)
    return typer.Exit(1)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="监听地址 / bind address"),
          port: int = typer.Option(8000, help="端口 / port")) -> None:
    """启动 API 服务 / run the API server."""
    from lianfang.api.app import serve as run
    from lianfang.config import Settings
    from lianfang.i18n import t

    typer.echo(t("serving", host=host, port=port))
    run(Settings(), host, port)


@app.command()
def demo(count: int = typer.Option(4000, help="报告数 / number of reports"),
         port: int = typer.Option(8000, help="打印的服务端口 / port shown in the URL")) -> None:
    """加载演示数据并打印演示密钥 / load demo data and print a demo API key."""
    from rich.progress import Progress

    from lianfang.config import Settings
    from lianfang.demo import load_demo
    from lianfang.i18n import t

    with Progress() as bar:
        task = bar.add_task(t("demo_loading"), total=count)
        result = load_demo(Settings(), count=count,
                           progress=lambda done, total: bar.update(task, completed=done))
    typer.echo(t("demo_done", created=result.created, duplicates=result.duplicates, orgs=len(result.orgs),
                 seconds=result.seconds))
    typer.echo(t("serving", host="127.0.0.1", port=port))
    typer.echo(t("demo_key", org=result.api_key_org, api_key=result.api_key))


@app.command("import")
def import_(path: Annotated[Path, typer.Argument(help="JSONL 文件 / JSONL file")],
            org: str = typer.Option(..., "--org", help="提交组织 / submitting organisation"),
            chunk: int = typer.Option(1000, min=1, help="每个事务的行数 / lines per transaction")) -> None:
    """导入 JSONL 报告（可断点续传）/ import JSONL reports (resumable)."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from lianfang.config import Settings
    from lianfang.errors import LianfangError
    from lianfang.i18n import t
    from lianfang.store.accounts import get_org
    from lianfang.store.db import make_database, upgrade
    from lianfang.store.imports import import_file
    from lianfang.store.ingest import Ingestor
    from lianfang.store.values import Secrets

    settings = Settings()
    db = make_database(settings)
    try:
        upgrade(db)
        with db.read() as session:
            org_id = get_org(session, org).id
        size = path.stat().st_size if path.is_file() else 0
        with Progress("{task.description}", BarColumn(), DownloadColumn(), TimeRemainingColumn()) as bar:
            task = bar.add_task(t("importing"), total=size)
            ingestor = Ingestor(db, Secrets.from_setting(settings.hmac_key))
            stats = import_file(ingestor, path, org_id, chunk=chunk,
                                on_progress=lambda done: bar.update(task, completed=done))
    except LianfangError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    for _, message in stats.errors[:20]:
        typer.echo(t("import_error_line", error=message), err=True)
    typer.echo(t("import_done", created=stats.created, duplicates=stats.duplicates, errors=len(stats.errors),
                 resumed=stats.resumed_from_line))


@org_app.command("create")
def org_create(name: str = typer.Argument(..., help="组织名称 / organisation name")) -> None:
    """创建组织 / create an organisation."""
    from lianfang.config import Settings
    from lianfang.errors import LianfangError
    from lianfang.i18n import t
    from lianfang.store.accounts import create_org
    from lianfang.store.db import make_database, upgrade

    db = make_database(Settings())
    try:
        upgrade(db)
        with db.write.begin() as session:
            info = create_org(session, name)
    except LianfangError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    typer.echo(t("org_created", name=info.name, id=info.id))


@key_app.command("create")
def key_create(org: str = typer.Option(..., "--org", help="组织名称 / organisation name"),
               role: str = typer.Option("analyst", help="analyst | admin | police")) -> None:
    """创建 API 密钥（只显示一次）/ create an API key (shown once)."""
    from lianfang.config import Settings
    from lianfang.errors import LianfangError
    from lianfang.i18n import t
    from lianfang.store.accounts import create_key, parse_role
    from lianfang.store.db import make_database, upgrade

    db = make_database(Settings())
    try:
        upgrade(db)
        with db.write.begin() as session:
            issued = create_key(session, org, parse_role(role))
    except LianfangError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    typer.echo(t("key_created", org=issued.org, role=issued.role.value))
    typer.echo(issued.key)


@key_app.command("revoke")
def key_revoke(
    key: str = typer.Argument(..., help="密钥或其 id（lf_<id>_… 中的 <id>）/ the key or its id"),
) -> None:
    """吊销 API 密钥 / revoke an API key."""
    from lianfang.api.state import AUTH_TTL_S
    from lianfang.config import Settings
    from lianfang.errors import LianfangError
    from lianfang.i18n import t
    from lianfang.store.accounts import key_id_of, revoke_key
    from lianfang.store.db import make_database

    key_id = key_id_of(key)
    db = make_database(Settings())
    try:
        with db.write.begin() as session:
            revoke_key(session, key_id)
    except LianfangError as exc:
        raise _fail(exc) from None
    finally:
        db.dispose()
    typer.echo(t("key_revoked", key_id=key_id, ttl=AUTH_TTL_S))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """迁移数据库到最新结构 / migrate the database to the newest schema."""
    from lianfang.config import Settings
    from lianfang.i18n import t
    from lianfang.store.db import make_database, upgrade

    settings = Settings()
    db = make_database(settings)
    try:
        upgrade(db)
    finally:
        db.dispose()
    typer.echo(t("db_upgraded", url=settings.database_url.split("@")[-1]))


# --- extraction: extract (issue 6) ---


@app.command("extract")
def extract_cmd(
    file: Annotated[Path | None, typer.Argument(help="输入文件（缺省标准输入）/ input file")] = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl {id,text} | text")] = "jsonl",
) -> None:
    """抽取并校验指标，逐行输出 JSONL / extract validated indicators, one JSONL line per input."""
    import sys

    from lianfang.i18n import t
    from lianfang.indicators.jsonl import extract_lines

    if fmt not in ("jsonl", "text"):
        raise typer.BadParameter(t("extract_bad_format", value=fmt), param_hint="--format")
    try:
        stream = sys.stdin.buffer if file is None else file.open("rb")
    except OSError as exc:
        typer.echo(t("error", error=exc), err=True)
        raise typer.Exit(2) from exc
    with stream:
        for line in extract_lines(stream, fmt):  # type: ignore[arg-type]
            sys.stdout.write(line + "\n")


# --- detection: classify, model train/eval (issue 7) ---


@app.command("classify")
def classify_cmd(
    file: Annotated[
        Path | None,
        typer.Argument(help="JSONL 文件 {id,text}，缺省读标准输入 / JSONL file (stdin if omitted)"),
    ] = None,
    scheme: Annotated[str, typer.Option(help="native | chineseharm | cold")] = "native",
) -> None:
    """分类 JSONL 文本，逐行输出类别/分数/环节/规则 / classify JSONL texts, one result line each."""
    import sys

    from lianfang.detect.model import SCHEMES
    from lianfang.detect.stream import classify_lines
    from lianfang.errors import LianfangError
    from lianfang.i18n import t

    if scheme not in SCHEMES:
        raise typer.BadParameter(t("bad_scheme", value=scheme), param_hint="--scheme")
    try:
        stream = sys.stdin.buffer if file is None else file.open("rb")
    except OSError as exc:
        raise _fail(exc) from None
    try:
        with stream:
            for line in classify_lines(stream, scheme):
                sys.stdout.write(line + "\n")
    except LianfangError as exc:
        raise _fail(exc) from None


@model_app.command("train")
def model_train(
    out: Annotated[
        Path | None, typer.Option(help="输出文件，缺省覆盖内置模型 / output file (default: shipped model)")
    ] = None,
) -> None:
    """用共享数据训练模型（固定随机种子）/ train the model on the shared data (fixed seed)."""
    from lianfang.detect.model import train
    from lianfang.errors import LianfangError
    from lianfang.i18n import t

    try:
        path, model, seconds = train(out)
    except LianfangError as exc:
        raise _fail(exc) from None
    typer.echo(t("model_trained", path=path, rows=model.meta["harm_rows"], features=model.meta["features"],
                 seconds=seconds))


@model_app.command("eval")
def model_eval(
    data: Annotated[Path, typer.Option("--data", help="带标签的 JSONL / labelled JSONL")],
    model_path: Annotated[Path | None, typer.Option("--model", help="模型文件 / model file")] = None,
) -> None:
    """评估：准确率、宏 F1、各类 F1、混淆矩阵 / accuracy, macro-F1, per-class F1, confusion matrix."""
    from lianfang.detect.evaluation import evaluate_file, format_report
    from lianfang.detect.model import load
    from lianfang.errors import LianfangError

    try:
        report = evaluate_file(data, load(model_path))
    except (LianfangError, OSError) as exc:
        raise _fail(exc) from None
    typer.echo(format_report(report))

# --- web: inspect, trace (issue 4) ---


@app.command("inspect")
def inspect_cmd(
    target: Annotated[str, typer.Argument(help="HTML 文件或 http(s) URL / HTML file or http(s) URL")],
    render: Annotated[bool, typer.Option("--render", help="用 Chromium 渲染 / render with Chromium")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / JSON output")] = False,
    screenshot: Annotated[
        Path | None, typer.Option(help="保存截图 PNG（隐含 --render）/ save a PNG screenshot")
    ] = None,
) -> None:
    """检测网页暗链、跳转、篡改、信息泄露 / inspect a page for hidden links, redirects, defacement, PII."""
    import orjson
    from rich.console import Console

    from lianfang.errors import LianfangError
    from lianfang.i18n import t
    from lianfang.web.console import print_inspection
    from lianfang.web.intake import inspect_target, outcome_data

    try:
        shoot = screenshot is not None
        outcome = inspect_target(target, render_page=render or shoot, screenshot=shoot)
        if screenshot is not None and outcome.rendered is not None and outcome.rendered.screenshot_png:
            screenshot.write_bytes(outcome.rendered.screenshot_png)
    except (LianfangError, OSError) as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(orjson.dumps(outcome_data(outcome), option=orjson.OPT_INDENT_2).decode())
        return
    console = Console()
    print_inspection(outcome, console)
    if screenshot is not None:
        console.print(t("web_screenshot", path=screenshot))


@app.command("trace")
def trace_cmd(
    site: Annotated[str, typer.Option("--site", help="起始 URL / start URL")],
    bad_domains: Annotated[Path, typer.Option("--bad-domains", help="恶意域名列表 / one domain a line")],
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, help="最多抓取页面数 / page limit")] = 100,
    max_seconds: Annotated[float, typer.Option("--max-seconds", help="时间上限（秒）/ time limit")] = 300.0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / JSON output")] = False,
) -> None:
    """溯源：找出站内指向恶意域名的页面 / trace pages of a site that link or redirect to bad domains."""
    import orjson
    from rich.console import Console

    from lianfang.errors import LianfangError
    from lianfang.web.console import print_trace
    from lianfang.web.intake import plain
    from lianfang.web.trace import read_bad_domains, trace

    try:
        report = trace(site, read_bad_domains(bad_domains), max_pages, max_seconds=max_seconds)
    except LianfangError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(orjson.dumps(plain(report), option=orjson.OPT_INDENT_2).decode())
        return
    print_trace(report, Console())

if __name__ == "__main__":
    app()
