"""Run the app in uvicorn for real-socket tests: `python uvicorn_runner.py PORT` (settings from env)."""

from __future__ import annotations

import sys

import uvicorn

from lianfang.api.app import create_app
from lianfang.config import Settings

if __name__ == "__main__":
    uvicorn.run(create_app(Settings()), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
