"""``python -m instrumentarium``: the command line."""

from instrumentarium.cli import main

if __name__ == "__main__":
    main()
