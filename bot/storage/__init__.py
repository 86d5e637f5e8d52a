"""Storage: the SQLAlchemy schema, the database connection and Alembic migrations."""
