"""``python -m explorer.projection``: see :mod:`explorer.projection.cli`."""

from .cli import main

main()
