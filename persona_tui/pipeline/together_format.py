"""Together AI's rules for a conversational fine-tuning line, checked locally.

Together validates uploaded files on the server (a failure shows up as the file's
`processing_status` INVALID_FORMAT after the upload), so these checks run before writing
and before uploading to catch the same errors without a round trip. The rules follow
Together's data-preparation documentation: a `messages` list of `{role, content}` objects,
an optional system message first, then user and assistant alternating from a user turn,
at least one assistant turn, and no other top-level keys.
"""

from __future__ import annotations

from typing import Any

ROLES = ("system", "user", "assistant")


def format_errors(line: Any) -> list[str]:
    """Return what is wrong with one parsed JSONL line (an empty list when it is valid).
    Every sample persona-tui writes also ends on an assistant turn, since only assistant
    turns are trained."""
    if not isinstance(line, dict):
        return ["the line is not a JSON object"]
    errors = []
    if len(line) != 1 or "messages" not in line:
        extra = sorted(set(line) - {"messages"})
        if extra:
            errors.append(f"unexpected top-level keys {extra}")
    messages = line.get("messages")
    if not isinstance(messages, list) or not messages:
        return errors + ["`messages` is missing or empty"]

    # The export checks every line it writes, so each message is checked with plain
    # lookups: a dict has exactly the keys `role` and `content` when it has two keys and
    # both of them.
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or len(message) != 2 or "role" not in message or "content" not in message:
            errors.append(f"messages[{index}] must have exactly `role` and `content`")
            continue
        role = message["role"]
        content = message["content"]
        if role not in ROLES:
            errors.append(f"messages[{index}] has unknown role {role!r}")
        if not isinstance(content, str) or not content.strip():
            errors.append(f"messages[{index}] has empty content")
        if role == "system" and index != 0:
            errors.append(f"messages[{index}] is a system message after the first position")
    if errors:
        return errors

    roles = [message["role"] for message in messages]
    turns = roles[1:] if roles[0] == "system" else roles
    if not turns or turns[0] != "user":
        errors.append("the first turn after the system message must be a user turn")
    for index in range(1, len(turns)):
        if turns[index] == turns[index - 1]:
            errors.append("user and assistant turns must alternate")
            break
    if turns and turns[-1] != "assistant":
        errors.append("the last turn must be an assistant turn")
    return errors
