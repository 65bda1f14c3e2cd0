"""The stored forms of a sample: its key and the JSON of its turns, byte for byte."""

import hashlib

from persona_tui.pipeline.sample import Redaction, Turn, sample_key, turns_from_json, turns_to_json


def two_turns():
    return [
        Turn("user", "héllo \"you\"", "héllo \"you\"", 11, [101, 102]),
        Turn("assistant", "yo", "yo", 12, [103]),
    ]


def test_key_hashes_documented_layout():
    # channel id, then per turn: RS role US comma-joined message ids US content (UTF-8).
    layout = "7\x1euser\x1f101,102\x1fhéllo \"you\"\x1eassistant\x1f103\x1fyo".encode()
    expected = hashlib.blake2b(layout, digest_size=12).hexdigest()
    assert sample_key(7, two_turns()) == expected


def test_turns_json_without_redactions():
    expected = (
        '[{"role":"user","content":"héllo \\"you\\"","original":"héllo \\"you\\"","author_id":11,'
        '"message_ids":[101,102],"redactions":[]},'
        '{"role":"assistant","content":"yo","original":"yo","author_id":12,"message_ids":[103],"redactions":[]}]'
    ).encode()
    assert turns_to_json(two_turns()) == expected


def test_turns_json_with_redactions():
    turns = two_turns()
    turns[1] = Turn("assistant", "at [PHONE]", "at 555 0132", 12, [103],
                    [Redaction(3, 11, 3, 10, "phone", "phone:number")])
    expected = (
        '[{"role":"user","content":"héllo \\"you\\"","original":"héllo \\"you\\"","author_id":11,'
        '"message_ids":[101,102],"redactions":[]},'
        '{"role":"assistant","content":"at [PHONE]","original":"at 555 0132","author_id":12,'
        '"message_ids":[103],"redactions":[[3,11,3,10,"phone","phone:number"]]}]'
    ).encode()
    assert turns_to_json(turns) == expected
    assert turns_from_json(expected) == turns
