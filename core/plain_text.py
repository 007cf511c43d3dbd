"""Messages written as plain text (an e-mail's text part, its subject line, an SMS, the inbox): their
`.txt` templates are rendered by the `text` template engine, which does not escape for HTML, so the
customer reads "requester's" and "A & B", not "requester&#x27;s" and "A &amp; B"."""

from __future__ import annotations

from typing import Any

from django.template import engines


def render_plain_text(template_name: str, context: dict[str, Any]) -> str:
    """The template rendered as plain text. A plain `str`, not Django's SafeString: a page that shows
    it (the inbox, a preview) escapes it there, as it escapes any text."""
    rendered = engines["text"].get_template(template_name).render(context)
    return str.__str__(rendered)


def render_subject_line(template_name: str, context: dict[str, Any]) -> str:
    """A subject template rendered as one line: its spaces and line breaks folded."""
    return " ".join(render_plain_text(template_name, context).split())
