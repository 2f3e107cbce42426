"""Tests of the command line."""


def plain(output: str) -> str:
    """CLI output as one line: the frame of typer's error panel removed, whitespace collapsed
    (the panel wraps long messages)."""
    for frame in "│╭╮╰╯─":
        output = output.replace(frame, " ")
    return " ".join(output.split())
