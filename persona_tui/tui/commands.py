"""The command palette's list of the app's actions: every binding of the focused pane, its
tab and the app, plus one command per tab, so each key can also be found by name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ActionsProvider(Provider):
    """Offer each active binding with a description as a palette command."""

    def commands(self) -> list[tuple[str, str, object]]:
        """Return (name, help, callback) for the actions of the screen under the palette."""
        screen = self.screen
        found: list[tuple[str, str, object]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            callback = partial(self.app.run_action, binding.action, active.node)
            found.append((binding.description, f"key {key}", callback))
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
