"""The tabs of the app, in order. Each is a widget class in its own module under screens/,
imported when the app starts so a missing tab is an import error, not a blank pane."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TabSpec:
    id: str          # also the binding id suffix: 'show-tab-<id>'
    title: str
    key: str         # the key that switches to the tab
    widget: str      # 'module:Class' of the tab's widget


TABS: list[TabSpec] = [
    # Each tab's own work adds its line here.
    TabSpec("export", "Export", "1", "persona_tui.tui.screens.export:ExportTab"),
    TabSpec("inspect", "Inspect", "2", "persona_tui.tui.screens.inspect:InspectTab"),
    TabSpec("train", "Train", "4", "persona_tui.tui.screens.train:TrainTab"),
    TabSpec("chat", "Chat", "5", "persona_tui.tui.screens.chat:ChatTab"),
    TabSpec("bot", "Bot", "6", "persona_tui.tui.screens.bot:BotTab"),
]
