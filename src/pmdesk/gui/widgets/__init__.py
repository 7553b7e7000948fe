"""Reusable widgets: the generic entity table (model, delegates, view) and a small form."""
