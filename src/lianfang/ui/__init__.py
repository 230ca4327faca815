"""Situational-awareness dashboard: Jinja2 pages with vendored ECharts, zh-CN and en."""
