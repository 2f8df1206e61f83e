"""The PWA's JS and CSS as the browser gets them: the same code without its comments and
indentation. The files in web/ stay as written (no build step); every line stays on its line,
so a stack trace or a CSP report still names the source line. The comments are about a
quarter of the first visit's gzipped bytes (docs/benchmarks.md, "First visit").

Only comments and the spaces at the start and end of a line go: strings, template literals
(whose lines keep their indentation) and regular expressions are copied as they are.
tests/test_compact.py holds it to that.
"""

from __future__ import annotations

import re

# After one of these, a "/" starts a regular expression; after anything else (a name, a
# number, ")" or "]"), it divides.
_REGEX_AFTER = frozenset("(,=:[!&|?{};+-*%<>~^")
_REGEX_AFTER_WORDS = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new",
                                "delete", "void", "throw", "yield", "await", "instanceof"})
_WORD = re.compile(r"[A-Za-z_$][\w$]*|\d[\w.]*")


class Unreadable(ValueError):
    """A script this reader cannot follow (an unterminated string, comment or regex)."""


def compact_js(source: str) -> str:
    out: list[str] = []
    i, n = 0, len(source)
    braces: list[int] = []  # for each ${ … } open inside a template literal: its { depth
    line_start = True
    last = ""  # the last token that decides what a "/" means

    def template(i: int) -> tuple[int, bool]:
        """Copy a template literal's text from i: up to its closing ` (False) or the next
        ${ (True); returns where to go on."""
        while i < n:
            c = source[i]
            if c == "\\":
                out.append(source[i:i + 2])
                i += 2
            elif c == "`":
                out.append(c)
                return i + 1, False
            elif c == "$" and source.startswith("{", i + 1):
                out.append("${")
                braces.append(0)
                return i + 2, True
            else:
                out.append(c)
                i += 1
        raise Unreadable("unterminated template literal")

    while i < n:
        c = source[i]
        if line_start and c in " \t":
            i += 1
            continue
        line_start = False
        if c == "\n":
            while out and out[-1] in (" ", "\t"):
                out.pop()
            out.append(c)
            i += 1
            line_start = True
        elif c in "'\"":
            j = i + 1
            while j < n and source[j] != c:
                if source[j] == "\n":
                    raise Unreadable(f"unterminated string at {i}")
                j += 2 if source[j] == "\\" else 1
            out.append(source[i:j + 1])
            i, last = j + 1, "string"
        elif c == "`" or (c == "}" and braces and braces[-1] == 0):
            if c == "}":
                braces.pop()
            out.append(c)
            i, inside = template(i + 1)
            last = "" if inside else "string"
        elif c == "/" and source.startswith("/", i + 1):
            newline = source.find("\n", i)
            i = n if newline < 0 else newline
        elif c == "/" and source.startswith("*", i + 1):
            end = source.find("*/", i + 2)
            if end < 0:
                raise Unreadable(f"unterminated comment at {i}")
            lines = source.count("\n", i, end)
            if lines:
                out.append("\n" * lines)  # each line stays on its line
            line_start = not out or out[-1].endswith("\n")
            i = end + 2
        elif c == "/" and (not last or last in _REGEX_AFTER or last in _REGEX_AFTER_WORDS):
            j, in_class = i + 1, False
            while j < n and (source[j] != "/" or in_class):
                if source[j] == "\n":
                    raise Unreadable(f"unterminated regular expression at {i}")
                if source[j] == "\\":
                    j += 1
                elif source[j] in "[]":
                    in_class = source[j] == "["
                j += 1
            j += 1
            while j < n and source[j].isalpha():
                j += 1
            out.append(source[i:j])
            i, last = j, "regex"
        elif word := _WORD.match(source, i):
            out.append(word.group())
            i, last = word.end(), word.group()
        else:
            if c == "{" and braces:
                braces[-1] += 1
            elif c == "}" and braces:
                braces[-1] -= 1
            out.append(c)
            if c not in " \t\r":
                last = c
            i += 1
    return "".join(out)


_CSS_TOKEN = re.compile(r"""/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'""", re.S)


def compact_css(source: str) -> str:
    """A stylesheet without comments (their lines kept) and indentation."""
    text = _CSS_TOKEN.sub(
        lambda m: "\n" * m.group().count("\n") if m.group().startswith("/*") else m.group(),
        source)
    return "\n".join(line.strip() for line in text.split("\n"))
