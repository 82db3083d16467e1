"""The `borderzones` command's entry point.

A refresh or a zone rerun waits, at its end, on great-expectations' import in the validation helper
(validation/background.py): the longest step of a small run. The helper is started here, before the CLI
itself is imported (typer, rich, the option parsing: ~0.2–0.3 s), so that import starts as early as it can.
Everything else is the CLI's (flows/cli.py), which starts the helper anyway when it was not started here.
"""

from __future__ import annotations

import sys

VALIDATING_COMMANDS = ("refresh", "zone")


def main() -> None:  # pragma: no cover - the console script; tests run flows.cli's app
    if len(sys.argv) > 1 and sys.argv[1] in VALIDATING_COMMANDS and "--help" not in sys.argv:
        from flows import env

        env.apply()  # the helper inherits the environment: the same settings as when the CLI starts it
        from validation import background

        background.start()
    from flows.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # pragma: no cover
    main()
