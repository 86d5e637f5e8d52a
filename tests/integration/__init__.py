"""The service layer against real SQLite and PostgreSQL databases."""
