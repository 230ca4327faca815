"""Storage edge: SQLAlchemy 2 models, repositories and Alembic migrations (SQLite default, PostgreSQL)."""
