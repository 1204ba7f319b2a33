"""The Textual front end: a thin view over the session.

Widgets display values and post messages; only screens call the session; no game
state lives in a widget. Nothing outside this package imports `textual`.
"""
