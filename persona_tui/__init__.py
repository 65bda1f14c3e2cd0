"""persona-tui: turn a Discord message history into a fine-tuned model that texts like a
person, and run that model as a Discord bot."""

__version__ = "0.1.0"
