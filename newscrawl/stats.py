"""Placeholder: filled in by the work on issue 9."""

from __future__ import annotations

import argparse


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the `newscrawl` parser."""
