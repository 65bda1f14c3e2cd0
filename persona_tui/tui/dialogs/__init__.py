"""Modal dialogs the tabs push: confirmation, text prompt, choice, turn editor, redaction."""
