"""The original SDK's ``Config`` and ``Client``, on wcs-ext: code written for
``wcs-python3-sdk`` migrates by changing its imports::

    from wcs_ext.compat import Client, Config, urlsafe_base64_encode
    # was: from wcs.services.client import Client
    #      from wcs.commons.config import Config
    #      from wcs.commons.util import urlsafe_base64_encode

    cli = Client(Config(config_file))
    status, body, headers = cli.stat("photos", "cat.jpg")

Same method names, positional arguments and ``(status, body, {"x-reqid": id})``
answers; none of the original's defects (``docs/migrating.md`` lists what differs).
It is built on the public client only (:class:`~wcs_ext.Wcs`): new code should use
that directly, with typed results and exceptions.
"""

from __future__ import annotations

from wcs_ext import urlsafe_b64encode

from .answers import Result
from .client import Client
from .config import Config

__all__ = ["Client", "Config", "Result", "urlsafe_base64_encode"]


def urlsafe_base64_encode(data: str | bytes) -> str:
    """URL-safe Base64 with ``=`` padding kept, as the original's helper of this name:
    the encoding of op strings (``bucket/<b64>/key/<b64>``) and entries."""
    return urlsafe_b64encode(data)
