"""`python -m escape_game`: the same program as the `escape-game` command."""

from escape_game.cli import main

if __name__ == "__main__":
    main()
