"""Text from data made safe to print on a terminal.

A cell, column or file name can hold terminal escape sequences (ESC [ ... recolours, moves
the cursor, or on some terminals sets the window title or writes to the clipboard), a
carriage return that overwrites what was printed, or a newline that forges a line of the
report. Every control character is shown as a visible escape instead.
"""

from __future__ import annotations

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# C0 controls, DEL and C1 controls (ESC and CSI among them), the Unicode line and paragraph
# separators, and the bidirectional overrides that reorder how a line reads.
_CONTROL = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]
_ESCAPES = str.maketrans(
    {
        code: _NAMED.get(chr(code)) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        for code in _CONTROL
    }
)


def printable(text: str) -> str:
    r"""`text` with every control character written as an escape: ESC -> \x1b, newline -> \n."""
    return text.translate(_ESCAPES)
