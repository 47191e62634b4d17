"""``completion SHELL``: the script that makes the shell complete commands and options."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from ._output import echo_verbatim

__all__ = ["COMMANDS", "completion_command"]


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
@click.pass_context
def completion_command(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL; load it from your shell's startup file.

    \b
    Examples:
      $ eval "$(wcs-ext completion bash)"        # in ~/.bashrc
      $ wcs-ext completion fish > ~/.config/fish/completions/wcs-ext.fish
    """
    root = ctx.find_root()
    prog = root.info_name or "wcs-ext"
    env_var = "_{}_COMPLETE".format(prog.replace("-", "_").replace(".", "_").upper())
    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    echo_verbatim(completer(root.command, {}, prog, env_var).source())


COMMANDS = (completion_command,)
