"""``token upload`` and ``token manage``: tokens made from the configured keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import WcsInputError
from ._context import CliState, emit_json, pass_state
from ._output import echo

if TYPE_CHECKING:
    from ..protocol.signing import Credentials

__all__ = ["COMMANDS", "token_group"]


def _credentials(state: CliState) -> Credentials:
    from ..protocol.signing import Credentials  # noqa: PLC0415  (keeps httpx out of `wcs-ext etag`)

    config = state.config()
    config.require("access_key", "secret_key")
    return Credentials(access_key=config.access_key, secret_key=config.secret_key)


@click.group("token")
def token_group() -> None:
    """Print upload or management tokens made from your keys (for curl, other tools).

    \b
    Examples:
      $ wcs-ext token upload --scope photos:2026/cat.jpg
      $ wcs-ext token manage /bucket/list
    """


@token_group.command("upload")
@click.option(
    "--scope",
    required=True,
    metavar="BUCKET[:KEY]",
    help="What the token may upload: a whole bucket, or one key in it.",
)
@click.option(
    "--lifetime",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="How long the token is valid. [default: config 'deadline', 7200]",
)
@click.option(
    "--overwrite",
    type=click.Choice(["0", "1"]),
    help="1 lets the upload replace an existing object. [default: config]",
)
@pass_state
def token_upload(state: CliState, scope: str, lifetime: int | None, overwrite: str | None) -> None:
    """Print an upload token (for the form field `token` or the Authorization header).

    The policy also carries the policy options of your config (returnBody,
    callbackUrl, persistentOps, ...).

    \b
    Example:
      $ wcs-ext token upload --scope photos:2026/cat.jpg --lifetime 600
      AK:ZTBi...==:eyJzY29wZSI6...
    """
    from .._policy import policy_from_config  # noqa: PLC0415
    from ..protocol.signing import upload_token  # noqa: PLC0415

    bucket, sep, key = scope.partition(":")
    if not bucket:
        raise WcsInputError(f"--scope needs a bucket name, got {scope!r}")
    credentials = _credentials(state)
    config = state.config(deadline=lifetime) if lifetime else state.config()
    policy = policy_from_config(
        config,
        bucket,
        key if sep else None,
        overwrite=int(overwrite) if overwrite is not None else None,
    )
    token = upload_token(credentials, policy)
    if state.json_output:
        emit_json({"token": token, "policy": policy.to_dict()})
    else:
        echo(token)


@token_group.command("manage")
@click.argument("target", metavar="PATH[?QUERY]")
@click.option("--body", default="", help="The exact request body, for POSTs that send one.")
@pass_state
def token_manage(state: CliState, target: str, body: str) -> None:
    """Print the Authorization value for a management request.

    PATH[?QUERY] and BODY must be exactly the bytes you will send: the signature
    covers them as they are (padded Base64 keeps its '=').

    \b
    Examples:
      $ wcs-ext token manage /bucket/list
      $ wcs-ext token manage /setdeadline --body 'bucket=YjE=&key=azE=&deadline=3'
      $ curl -H "Authorization: $(wcs-ext token manage /bucket/list)" "$WCS_MGR_URL/bucket/list"
    """
    from ..protocol.signing import management_token  # noqa: PLC0415

    if not target.startswith("/"):
        raise WcsInputError(f"PATH must start with '/', got {target!r}")
    token = management_token(_credentials(state), target, body)
    if state.json_output:
        emit_json({"authorization": token, "signed": f"{target}\n{body}"})
    else:
        echo(token)


COMMANDS = (token_group,)
