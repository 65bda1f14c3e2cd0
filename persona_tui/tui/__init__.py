"""The Textual app. The only package of persona-tui that imports Textual."""
