"""Command line: thin Typer wiring; every command calls a function in the packages.

Messages come in zh-CN and en (LIANFANG_LANG=en for English; Chinese is the default).
"""

from __future__ import annotations

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

# --- extraction: extract (issue 6) ---

# --- detection: classify, model train/eval (issue 7) ---

# --- web: inspect, trace (issue 4) ---

if __name__ == "__main__":
    app()
