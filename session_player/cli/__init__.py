"""The ``session-player`` command: ``main`` parses and dispatches, one module per sub-command.

A sub-command module has ``add_parser(sub)`` (its argparse sub-parser, with
``set_defaults(handler=run)``) and ``run(args) -> int`` (0 success, 1 problems found, 2 usage
or unreadable file). ``main.SUBCOMMANDS`` names each module; it is imported only when its
sub-command is used, so ``validate`` never imports numpy and the app never imports argparse.
"""
