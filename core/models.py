"""The kernel has no models of its own.

The module exists so that Django sends the kernel its `post_migrate` signal (the role groups are
synchronised then, core/apps.py) and so that `core/migrations/` can keep the history of the tables
that moved to `subjects`, `integrations` and `deadlines` without a table being renamed.
"""
