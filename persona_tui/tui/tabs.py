"""The tabs of the app, in order, with the digit key that shows each. Each is a widget
class in its own module under screens/. The app imports a tab's module the first time
the tab is shown, so a wrong `widget` path fails with an ImportError on that first show."""

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
    TabSpec("train", "Train", "3", "persona_tui.tui.screens.train:TrainTab"),
    TabSpec("chat", "Chat", "4", "persona_tui.tui.screens.chat:ChatTab"),
    TabSpec("bot", "Bot", "5", "persona_tui.tui.screens.bot:BotTab"),
]
