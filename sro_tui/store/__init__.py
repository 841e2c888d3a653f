"""The store: SQLAlchemy 2.0 typed models, the engine/session factory and Alembic migrations.

Knows nothing of screens. Importing it opens nothing: a Database is made by a call.
"""
