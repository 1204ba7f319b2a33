"""The Escape: a terminal text adventure, and the YAML story engine behind it.

The package is layered (imports point down only): `cli`, `linemode` and `tui` touch the
terminal; the engine modules are pure; `loader`, `paths` and `saves` are the only code
that reads or writes files; `errors`, `model` and `state` are plain types. Importing the
package itself imports nothing else, so every command starts as fast as its own needs.
"""

__version__ = "0.1.0"
