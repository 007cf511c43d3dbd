"""Consent models."""
