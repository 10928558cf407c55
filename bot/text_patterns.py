"""Patterns for tidying a parent's text before reading it, shared by the readers in bot/."""

from __future__ import annotations

import re

# Curly, modifier and back-tick apostrophes, all read as "'".
APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
# "7,4" is 7.4: a comma between digits is a decimal comma.
DECIMAL_COMMA = re.compile(r"(\d),(\d)")
# "sooooo" is "so": three or more of the same letter are one.
LETTER_REPEATS = re.compile(r"([a-z])\1{2,}")
