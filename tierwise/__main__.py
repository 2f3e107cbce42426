"""``python -m tierwise``: the command line (:mod:`tierwise.cli`)."""

from tierwise.cli.app import main

main()
