"""Drom's own data: FAQ content, conversations and handoffs (SQLAlchemy 1.4, 2.0-style)."""
