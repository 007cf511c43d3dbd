"""Text as people mean it: one spelling of the same Vietnamese word, whatever keyboard typed it.

A Mac (and text pasted from some PDFs and web forms) sends Vietnamese decomposed (NFD: "o" + U+0301 for
"ó"); Unikey or EVKey on Windows send it composed (NFC). Both are the same word to a person, so a value
is compared, looked up or stored in its composed form.
"""

from __future__ import annotations

import unicodedata


def nfc(value: str) -> str:
    """`value` in Unicode's composed form (NFC): "có" typed on a Mac equals "có" typed on Windows."""
    return unicodedata.normalize("NFC", value)
