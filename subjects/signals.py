"""Signals the subjects layer sends to the apps above it, which it may not import."""

from django.dispatch import Signal

# A customer moved to another customer number (`subjects.renumbering`), sent with `subject` inside the
# renumbering's transaction: what a batch keyed by CIF reads (the consent feed) must show the new number.
customer_renumbered = Signal()
