"""Shared infrastructure of the project; see core/apps.py."""
