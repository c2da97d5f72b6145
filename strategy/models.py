"""Purposes, goals, yearly themes and the annual plan of the municipality's channels."""
