"""Widgets of the game screen: they display values handed to them, nothing more."""
