"""Generate the demo export: a synthetic two-person DM in DiscordChatExporter JSON.

The conversation is invented, so `persona-tui` can be tried and tested without anyone's
real messages. It has what real DMs have and what the pipeline must handle. There are
bursts of short messages, silences of minutes to days, replies, Unicode and rendered
custom emoji (`:name:`) and links. There are URL-only, embed-only, sticker-only and
attachment-only messages, system messages and a bot. Personal data is typed the way
people type it in chat, next to look-alikes (times, prices, versions, scores) that
redaction must leave alone.

Run `python -m persona_tui.demo.generate` to rewrite persona_tui/demo/demo_dm.json.gz.
"""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 7
MESSAGE_COUNT = 3000
OUTPUT = Path(__file__).with_name("demo_dm.json.gz")

PERSONA_ID = "700000000000000001"
FRIEND_ID = "700000000000000002"
BOT_ID = "700000000000000003"
CHANNEL_ID = "710000000000000000"

# Snowflakes carry their creation time: (ms since 2015-01-01 UTC) << 22.
DISCORD_EPOCH_MS = 1420070400000

OPENERS = [
    "hey", "yo", "morning", "u up?", "ok so", "wait", "lol", "omg", "guess what", "hiii",
]
PHRASES = [
    "did you see the game last night", "im so tired today", "work was a lot", "what are you doing later",
    "wanna get food", "that movie was kinda mid tbh", "i cant believe it", "same honestly",
    "no way", "haha yes", "ok fair", "that's so true", "i'll let you know", "sounds good",
    "running late sorry", "on my way", "just got home", "brb", "lmaooo", "ngl that's wild",
    "my cat knocked over my coffee again", "the bus was late again", "should we invite sam",
    "i finished the book", "it was actually really good", "my mom called", "ugh mondays",
    "rain all week apparently", "let's do saturday", "idk maybe", "can't wait",
]
UNICODE_EMOJI = ["😂", "😭", "👍", "🙏", "❤️", "🔥", "💀", "🥲", "😅", "👀"]
CUSTOM_EMOJI = ["kekw", "pepehands", "catjam", "sadge", "pog"]
LINKS = [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://example.com/recipes/lasagna",
    "https://en.wikipedia.org/wiki/Capybara", "https://tenor.com/view/cat-dance-gif-12345",
]

# Personal data typed informally; the pipeline must redact every one of these.
PLANTED_PERSONAL_DATA = [
    "call me at 415 555 0132",
    "my new number is (415) 555-0187 btw",
    "text me on +44 7700 900123 when ur here",
    "my email is jamie.rivera at gmail dot com",
    "send it to sam_lee99@example.org",
    "im at 42 oak st apt 3",
    "the party is at 1600 maple avenue",
    "my card is 4111 1111 1111 1111 lol dont steal it",
]

# Look-alikes of personal data that must stay as they are.
LOOK_ALIKES = [
    "meet at 10:30 tomorrow?",
    "it was $24.99 on sale",
    "updated to version 3.11.4 finally",
    "we won 21-17!!",
    "the train leaves at 7:45 from platform 9",
    "it's 2024-03-15 already??",
    "costs like 1,299 dollars",
    "score was 3 - 2 in overtime",
]


def user(user_id: str, name: str, nickname: str, *, is_bot: bool = False) -> dict:
    return {
        "id": user_id, "name": name, "discriminator": "0000", "nickname": nickname,
        "color": None, "isBot": is_bot, "roles": [], "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
    }


PERSONA = user(PERSONA_ID, "riley.k", "Riley")
FRIEND = user(FRIEND_ID, "jamie_r", "Jamie")
BOT = user(BOT_ID, "reminderbot", "Reminder Bot", is_bot=True)


def snowflake(moment: datetime, sequence: int) -> str:
    milliseconds = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
    return str((milliseconds << 22) | (sequence & 0xFFF))


def timestamp(moment: datetime) -> str:
    # DCE trims trailing zeros of the fraction, so the digit count varies from 0 to 3 here.
    text = moment.isoformat(timespec="milliseconds")
    head, fraction = text[:19], text[20:23].rstrip("0")
    return f"{head}.{fraction}+00:00" if fraction else f"{head}+00:00"


def chat_line(rng: random.Random) -> str:
    words = rng.choice(PHRASES)
    if rng.random() < 0.25:
        words = f"{rng.choice(OPENERS)} {words}"
    roll = rng.random()
    if roll < 0.12:
        words += " " + rng.choice(UNICODE_EMOJI)
    elif roll < 0.18:
        # DCE renders custom emoji as :name: in its default (rendered) markup.
        words += f" :{rng.choice(CUSTOM_EMOJI)}:"
    return words


def empty_message(message_id: str, moment: datetime, author: dict) -> dict:
    return {
        "id": message_id, "type": "Default", "timestamp": timestamp(moment), "timestampEdited": None,
        "callEndedTimestamp": None, "isPinned": False, "content": "", "author": author,
        "attachments": [], "embeds": [], "stickers": [], "reactions": [], "mentions": [],
        "inlineEmojis": [],
    }


def decorate(message: dict, rng: random.Random, earlier_ids: list[str]) -> None:
    """Turn a plain message into one of the special kinds, at realistic rates."""
    roll = rng.random()
    if roll < 0.02:
        message["content"] = rng.choice(PLANTED_PERSONAL_DATA)
    elif roll < 0.04:
        message["content"] = rng.choice(LOOK_ALIKES)
    elif roll < 0.06:
        link = rng.choice(LINKS)
        message["content"] = link
        message["embeds"] = [{"title": "Link", "url": link, "timestamp": None, "description": "",
                              "images": [], "fields": [], "inlineEmojis": []}]
    elif roll < 0.07:
        message["content"] = f"look at this {rng.choice(LINKS)}"
    elif roll < 0.08:
        message["embeds"] = [{"title": "Shared post", "url": None, "timestamp": None,
                              "description": "An embed without text in the message", "images": [],
                              "fields": [], "inlineEmojis": []}]
    elif roll < 0.09:
        message["stickers"] = [{"id": "749054660769218631", "name": "Wave", "format": "Png",
                                "sourceUrl": "https://media.discordapp.net/stickers/749054660769218631.png"}]
    elif roll < 0.10:
        message["attachments"] = [{"id": message["id"], "url": "https://cdn.discordapp.com/attachments/1/2/photo.jpg",
                                   "fileName": "photo.jpg", "fileSizeBytes": 254311}]
    else:
        message["content"] = chat_line(rng)

    if message["content"] and earlier_ids and rng.random() < 0.06:
        message["type"] = "Reply"
        message["reference"] = {"messageId": rng.choice(earlier_ids[-20:]), "channelId": CHANNEL_ID, "guildId": None}


def system_message(message: dict, rng: random.Random) -> None:
    kind, content = rng.choice([
        ("ChannelPinnedMessage", "Pinned a message."),
        ("Call", "Started a call that lasted 14 minutes."),
    ])
    message["type"] = kind
    message["content"] = content


def generate_export(seed: int = SEED, message_count: int = MESSAGE_COUNT) -> dict:
    """Return the demo export as a DCE JSON document (deterministic for a seed)."""
    rng = random.Random(seed)
    moment = datetime(2024, 3, 1, 18, 0, tzinfo=UTC)
    speaker = PERSONA
    messages: list[dict] = []
    ids: list[str] = []

    while len(messages) < message_count:
        # Bursts: most messages follow within seconds; turns change after minutes, and
        # conversations stop for hours or days.
        gap = rng.random()
        if gap < 0.55:
            moment += timedelta(seconds=rng.randrange(2, 45), milliseconds=rng.randrange(1000))
        elif gap < 0.88:
            moment += timedelta(minutes=rng.randrange(1, 20), milliseconds=rng.randrange(1000))
            speaker = FRIEND if speaker is PERSONA else PERSONA
        elif gap < 0.97:
            moment += timedelta(hours=rng.randrange(2, 14), milliseconds=rng.randrange(1000))
            speaker = rng.choice([PERSONA, FRIEND])
        else:
            moment += timedelta(days=rng.randrange(1, 5), milliseconds=rng.randrange(1000))

        author = BOT if rng.random() < 0.005 else speaker
        message = empty_message(snowflake(moment, len(messages)), moment, author)
        if author is BOT:
            message["content"] = "⏰ Reminder: water the plants"
        elif rng.random() < 0.01:
            system_message(message, rng)
        else:
            decorate(message, rng, ids)
        messages.append(message)
        ids.append(message["id"])

    return {
        "guild": {"id": "0", "name": "Direct Messages", "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png"},
        "channel": {"id": CHANNEL_ID, "type": "DirectTextChat", "categoryId": None, "category": None,
                    "name": FRIEND["nickname"], "topic": None},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2025-01-02T10:00:00+00:00",
        "messages": messages,
        "messageCount": len(messages),
    }


def write_demo(path: Path = OUTPUT) -> Path:
    # Indented with ensure_ascii, as DCE writes it (emoji become surrogate escapes). mtime=0
    # keeps the gzip bytes identical across runs.
    text = json.dumps(generate_export(), indent=2, ensure_ascii=True) + "\n"
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as file:
        file.write(text.encode("utf-8"))
    return path


if __name__ == "__main__":
    print(write_demo())
