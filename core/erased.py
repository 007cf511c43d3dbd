"""What a person's words read once the customer's deletion request erased them: one marker stored in
place of every such field (a withdrawal's or a revocation's reason, a void's note, staff's words about
the customer on their requests; docs/requests.md, "What the platform erases")."""

from __future__ import annotations

# A fixed English text whatever the language, so a program reading the JSON or the API compares it.
REASON_ERASED = "[erased at the customer's request]"
