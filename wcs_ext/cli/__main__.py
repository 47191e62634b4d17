"""``python -m wcs_ext.cli``: the same as the ``wcs-ext`` command."""

from . import main

main()
