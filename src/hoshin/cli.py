"""The `hoshin` command: a thin wrapper over Django's management commands.

`hoshin serve [ADDR]` runs the development server; `hoshin import` and
`hoshin export` read and write strategy files; every other word is passed
to the management command of the same name (`hoshin migrate`,
`hoshin demo`, `hoshin score` ...).
"""

import os
import sys

ALIASES = {
    "serve": "runserver",
    "import": "import_strategy",
    "export": "export_strategy",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoshin.settings")

    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        print()
        execute_from_command_line(["hoshin", "help"])
        return
    command = ALIASES.get(args[0], args[0])
    execute_from_command_line(["hoshin", command, *args[1:]])


if __name__ == "__main__":
    main()
