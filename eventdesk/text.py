"""Making strangers' text safe to show, without changing what is stored.

Control characters (ESC, BEL, CR, BS, NUL, C1 codes such as CSI) never reach the
terminal raw: each becomes a visible stand-in (ESC → ␛). Bidirectional overrides and
isolates, which can make text read backwards, become a bracketed name (⟨RLO⟩).
"""

from __future__ import annotations

import re

_BIDI = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
# C0 controls except tab and newline, DEL, C1 controls, the bidi marks, lone surrogates,
# and the line/paragraph separators some terminals treat as newlines.
UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␛ … ␟
    if code == 0x7F:
        return "␡"
    if code <= 0x9F:
        return f"⟨{code:02X}⟩"
    if char in _BIDI:
        return f"⟨{_BIDI[char]}⟩"
    if char in "\u2028\u2029":
        return "⏎"
    return "\ufffd"


def visible(text: str, *, newlines: bool = True) -> str:
    """`text` with every character a terminal would act on replaced by a visible stand-in.

    Tabs and (when `newlines`) line feeds are kept; with `newlines=False` a line feed
    shows as ⏎, for one-line rows.
    """
    shown = UNSAFE.sub(_stand_in, text)
    if not newlines:
        shown = shown.replace("\n", "⏎").replace("\t", " ")
    return shown


# X sends a post's "&", "<" and ">" as "&amp;", "&lt;" and "&gt;" (and no other entity);
# the desk stores the text as sent, and shows what its author typed.
_X_ENTITY = re.compile("&(amp|lt|gt);")
_X_CHAR = {"amp": "&", "lt": "<", "gt": ">"}


def post_text(text: str, *, newlines: bool = True) -> str:
    """A post's text as its author typed it, made safe to show: X's three entities
    decoded, once ("&amp;lt;" is what an author who typed "&lt;" is sent), then
    `visible`."""
    if "&" in text:
        text = _X_ENTITY.sub(lambda match: _X_CHAR[match.group(1)], text)
    return visible(text, newlines=newlines)
