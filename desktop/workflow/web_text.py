"""Text the web editor rewrites on its side just before queueing.

* Dynamic prompts: STRING widgets with ``dynamicPrompts`` lose ``//`` and ``/* */`` comments and
  every ``{a|b|c}`` group is replaced by one randomly chosen option (escapes ``\\{`` ``\\|``
  ``\\}`` keep the characters).
* Search & replace: ``filename_prefix`` of the save nodes (and PrimitiveNodes with "Run widget
  replace on values") expand ``%date:yyyy-MM-dd%`` and ``%Node name.widget%``.

Both mirror the editor's behaviour, including its corner cases, so a converted prompt matches
what the web UI would have queued.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

Chooser = Callable[[Sequence[str]], str]
WidgetLookup = Callable[[str, str], tuple[bool, Any]]

# JavaScript's `.` stops at these line terminators; Python's only at "\n".
_COMMENTS = re.compile(r"/\*[\s\S]*?\*/|//[^\n\r\u2028\u2029]*")
_ESCAPED = re.compile(r"\\([{}|])")
_PLACEHOLDER = re.compile(r"%([^%]+)%")
_DATE_PARTS = re.compile(r"dd?|MM?|hh?|mm?|ss?|yyy?y?")

# The save nodes whose filename_prefix the editor runs through search & replace.
SAVE_NODE_TYPES = frozenset(
    {
        "SaveImage",
        "SaveVideo",
        "SaveAnimatedWEBP",
        "SaveWEBM",
        "SaveAudio",
        "SaveGLB",
        "SaveAnimatedPNG",
        "CLIPSave",
        "VAESave",
        "ModelSave",
        "LoraSave",
        "SaveLatent",
    }
)


def process_dynamic_prompt(text: str, choose: Chooser) -> str:
    source = _COMMENTS.sub("", text)
    pos = 0
    out: list[str] = []

    def escape() -> str:
        nonlocal pos
        # A trailing backslash reads past the end in the editor and yields "\undefined".
        nxt = source[pos] if pos < len(source) else "undefined"
        pos += 1
        return "\\" + nxt

    def choice_block() -> str:
        nonlocal pos
        options: list[str] = []
        current: list[str] = []
        depth = 0
        while pos < len(source):
            char = source[pos]
            pos += 1
            if char == "\\":
                current.append(escape())
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if not depth:
                    break
                depth -= 1
            elif char == "|" and not depth:
                options.append("".join(current))
                current = []
                continue
            current.append(char)
        options.append("".join(current))
        picked = options[0] if len(options) == 1 else choose(options)
        return process_dynamic_prompt(picked, choose)

    while pos < len(source):
        char = source[pos]
        pos += 1
        if char == "\\":
            out.append(escape())
        elif char == "{":
            out.append(choice_block())
        else:
            out.append(char)
    return _ESCAPED.sub(r"\1", "".join(out))


def js_string(value: Any) -> str:
    """``String(value)`` as JavaScript prints it (numbers without a trailing ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))
        text = repr(value)
        if 1e-6 <= abs(value) < 1e21:
            return format(Decimal(text), "f")
        mantissa, _, exponent = text.partition("e")
        sign = "-" if exponent.startswith("-") else "+"
        return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0') or '0'}"
    if isinstance(value, list):
        return ",".join(js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _format_date(pattern: str, now: datetime) -> str:
    def part(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "yy":
            return str(now.year)[2:]
        if token == "yyyy":
            return str(now.year)
        values = {"d": now.day, "M": now.month, "h": now.hour, "m": now.minute, "s": now.second}
        if token[0] in values:
            return str(values[token[0]]).rjust(len(token), "0")
        return token

    return _DATE_PARTS.sub(part, pattern)


def apply_text_replacements(value: str, lookup: WidgetLookup, now: datetime) -> str:
    """Expand ``%date:…%`` and ``%Node.widget%``; unknown placeholders stay as they are."""

    def replace(match: re.Match[str]) -> str:
        text = match.group(1)
        split = text.split(".")
        if len(split) != 2:
            if split[0].startswith("date:"):
                return _format_date(split[0][5:], now)
            return match.group(0)
        found, widget_value = lookup(split[0], split[1])
        if not found:
            return match.group(0)
        return re.sub(r"[/\\]", "_", js_string(widget_value))

    return _PLACEHOLDER.sub(replace, value)
