"""``python -m subtier``: the command line."""

from subtier.cli import main

if __name__ == "__main__":
    main()
