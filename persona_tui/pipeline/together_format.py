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
    extra = sorted(set(line) - {"messages"})
    if extra:
        errors.append(f"unexpected top-level keys {extra}")
    messages = line.get("messages")
    if not isinstance(messages, list) or not messages:
        return errors + ["`messages` is missing or empty"]

    for index, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            errors.append(f"messages[{index}] must have exactly `role` and `content`")
            continue
        if message["role"] not in ROLES:
            errors.append(f"messages[{index}] has unknown role {message['role']!r}")
        if not isinstance(message["content"], str) or not message["content"].strip():
            errors.append(f"messages[{index}] has empty content")
        if message["role"] == "system" and index != 0:
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
