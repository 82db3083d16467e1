"""The `borderzones` command's entry point.

A refresh or a zone rerun waits, at its end, on great-expectations' import in the validation helper
(validation/background.py): the longest step of a small run; through Prefect it first waits for Prefect's
temporary server (flows/early_server.py). Both processes are started here, before the CLI itself is imported
(typer, rich, the option parsing: ~0.2–0.3 s) or Prefect's settings are read, so they start as early as they can.
Everything else is the CLI's (flows/cli.py), which starts the helper anyway when it was not started here.
The garbage collector's thresholds are set first of all (flows/env.py `tune_gc`).
"""

from __future__ import annotations

import sys

VALIDATING_COMMANDS = ("refresh", "zone")


def engine(argv: list[str]) -> str:
    """The --engine a command line asks for (the CLI's default: prefect).

    >>> engine(["zone", "ruili", "--engine", "plain"]), engine(["refresh", "--engine=plain"]), engine(["refresh"])
    ('plain', 'plain', 'prefect')
    """
    for i, arg in enumerate(argv):
        if arg == "--engine" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--engine="):
            return arg.split("=", 1)[1]
    return "prefect"


def main() -> None:  # pragma: no cover - the console script; tests run flows.cli's app
    from flows import env

    env.tune_gc()  # before the imports below, which make most of the objects the collector would examine
    if len(sys.argv) > 1 and sys.argv[1] in VALIDATING_COMMANDS and "--help" not in sys.argv:
        env.apply()  # the helpers inherit the environment: the same settings as when the CLI starts them
        if engine(sys.argv) == "prefect":
            from flows import early_server

            early_server.spawn()  # ended at exit when the run has no use for it (nothing changed, bad options)
        from validation import background

        background.start()
    from flows.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # pragma: no cover
    main()
