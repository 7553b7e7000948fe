"""Persistence: SQLAlchemy models, the Workspace file, and one service per aggregate.

No Qt here: a PDF export or an import runs headless on the same store.
"""
