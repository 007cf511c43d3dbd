"""Data-subject request models."""
