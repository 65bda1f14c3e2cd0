"""The prompted base model: the comparison that shows what fine-tuning bought.

A base model gets a system prompt made of the trained system prompt, a short description
of how the persona texts, and a handful of example exchanges, all drawn from the user's
own accepted samples. The choice is deterministic (evenly spaced over the accepted
samples in build order), so the same workspace always gives the same prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

from persona_tui.pipeline.sample_store import effective_turns, load_sample
from persona_tui.workspace import Workspace

DEFAULT_EXAMPLE_COUNT = 5
# An example reply longer than this many characters is cut, so a few long samples do
# not fill the base model's context.
MAX_EXAMPLE_CHARS = 400


@dataclass(frozen=True, slots=True)
class Exchange:
    user: str
    assistant: str


@dataclass(frozen=True, slots=True)
class TextingStyle:
    words_per_message: float
    messages_per_turn: float
    lowercase_share: float       # messages with letters and no upper-case letter
    full_stop_share: float       # messages ending with '.'


def accepted_turn_lists(workspace: Workspace) -> list[list]:
    """Return the effective turns (edits applied) of every accepted sample, in build order."""
    keys = [row[0] for row in workspace.db.execute(
        "SELECT s.key FROM samples s JOIN reviews r USING (key) WHERE r.status = 'accepted' ORDER BY s.position"
    )]
    turn_lists = []
    for key in keys:
        sample, _status, edited = load_sample(workspace, key)
        turn_lists.append(effective_turns(sample, edited))
    return turn_lists


def first_exchange(turns: list) -> Exchange | None:
    for index in range(len(turns) - 1):
        if turns[index].role == "user" and turns[index + 1].role == "assistant":
            return Exchange(turns[index].content, turns[index + 1].content[:MAX_EXAMPLE_CHARS])
    return None


def pick_examples(turn_lists: list[list], count: int) -> list[Exchange]:
    """Return the first exchange of `count` samples spread evenly over `turn_lists`."""
    exchanges = [exchange for exchange in map(first_exchange, turn_lists) if exchange is not None]
    if len(exchanges) <= count:
        return exchanges
    return [exchanges[index * len(exchanges) // count] for index in range(count)]


def measure_style(turn_lists: list[list]) -> TextingStyle | None:
    """Measure the persona's texting habits over every assistant turn; None without any."""
    turns = [turn.content for turns in turn_lists for turn in turns if turn.role == "assistant"]
    messages = [line.strip() for content in turns for line in content.splitlines() if line.strip()]
    if not messages:
        return None
    lettered = [message for message in messages if any(char.isalpha() for char in message)]
    lowercase = sum(1 for message in lettered if not any(char.isupper() for char in message))
    return TextingStyle(
        words_per_message=sum(len(message.split()) for message in messages) / len(messages),
        messages_per_turn=len(messages) / len(turns),
        lowercase_share=lowercase / len(lettered) if lettered else 0.0,
        full_stop_share=sum(1 for message in messages if message.endswith(".")) / len(messages),
    )


def describe_style(style: TextingStyle) -> str:
    sentences = [
        f"They send short messages of about {round(style.words_per_message)} words, "
        f"usually {round(style.messages_per_turn)} in a row."
    ]
    if style.lowercase_share >= 0.6:
        sentences.append("They write mostly in lower case.")
    if style.full_stop_share < 0.2:
        sentences.append("They rarely end a message with a full stop.")
    return " ".join(sentences)


def build_prompted_system_prompt(workspace: Workspace, base_prompt: str, *,
                                 example_count: int = DEFAULT_EXAMPLE_COUNT) -> str:
    """Return the base model's system prompt: `base_prompt`, the style description and up
    to `example_count` example exchanges from the accepted samples."""
    turn_lists = accepted_turn_lists(workspace)
    style = measure_style(turn_lists)
    examples = pick_examples(turn_lists, example_count)
    if style is None or not examples:
        # NOTE: without accepted samples the comparison is the bare base model.
        return base_prompt

    parts = [base_prompt, "", f"How you text: {describe_style(style)}", "",
             "Examples of how you reply (each line of a reply is a separate message):"]
    for exchange in examples:
        parts += ["", f"Friend: {exchange.user}", "You:", exchange.assistant]
    parts += ["", "Reply only with your messages, one per line."]
    return "\n".join(parts)
