"""Checks on the values every importer stores: snowflakes and message timestamps.

A Discord snowflake is an unsigned 64-bit number, but SQLite's INTEGER is signed 64-bit,
so ids above 2^63 - 1 cannot be stored. Real snowflakes stay far below that until the
year 2084, so a larger id means a damaged or forged file.
"""

from __future__ import annotations

MAX_SNOWFLAKE = 2**63 - 1

ID_RANGE = f"a Discord id is a whole number from 0 to {MAX_SNOWFLAKE}"


class InvalidValue(ValueError):
    """A field that cannot be stored. The message names the field, the value and the rule."""


def parse_snowflake(value: object, field: str) -> int:
    """Return `value` as a snowflake, or raise InvalidValue naming `field`."""
    text = str(value).strip()
    # str.isdigit accepts superscripts such as '²', which int() rejects, so test ASCII.
    if not (text.isascii() and text.isdigit()):
        raise InvalidValue(f"the {field} {text!r} is not a number ({ID_RANGE})")
    number = int(text)
    if number > MAX_SNOWFLAKE:
        raise InvalidValue(f"the {field} {text} is too large ({ID_RANGE})")
    return number


# Discord's epoch (the first possible snowflake) and a bound far past any real export.
# Outside this range a timestamp is damaged, and one before year 1 or after 9999 once it
# is converted to UTC would break every later date formatting of the workspace.
MIN_TIMESTAMP_MS = 1_420_070_400_000        # 2015-01-01T00:00:00Z
MAX_TIMESTAMP_MS = 4_102_444_800_000        # 2100-01-01T00:00:00Z

TIMESTAMP_RANGE = "Discord messages are dated from 2015-01-01 to 2100-01-01 (UTC)"


def check_timestamp_ms(timestamp_ms: int, raw: object) -> int:
    """Return `timestamp_ms`, or raise InvalidValue when it is outside TIMESTAMP_RANGE."""
    if not MIN_TIMESTAMP_MS <= timestamp_ms < MAX_TIMESTAMP_MS:
        raise InvalidValue(f"the timestamp {raw} is out of range ({TIMESTAMP_RANGE})")
    return timestamp_ms
