"""The screens of the TUI: title, game, and the dialogs over them."""
