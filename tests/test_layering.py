"""The layers of docs/architecture.md, checked on the imports themselves.

Every import of every module is resolved (relative ones too) and held against what its
layer may use: the protocol is pure (no httpx, nothing of the client), and the emulator
uses nothing of the client side but the protocol.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "wcs_ext"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Absolute names of every module ``path`` imports, wherever in the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            yield stem
            yield from (f"{stem}.{alias.name}" for alias in node.names)


def _files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _client_side(name: str) -> bool:
    return name == "wcs_ext" or name.startswith("wcs_ext.")


def test_the_resolver_sees_relative_imports() -> None:
    # Guards the checks below: an import walker that saw nothing would pass them all.
    names = set(imports_of(PACKAGE / "emulator" / "endpoints" / "token_checks.py"))
    assert "wcs_ext.protocol.signing" in names
    names = set(imports_of(PACKAGE / "cli" / "tools.py"))
    assert "wcs_ext.protocol.checksum" in names


@pytest.mark.parametrize("path", _files("emulator"), ids=lambda p: p.name)
def test_the_emulator_imports_only_the_protocol_of_the_client_side(path: Path) -> None:
    foreign = [
        name
        for name in imports_of(path)
        if _client_side(name)
        and not name.startswith(("wcs_ext.emulator", "wcs_ext.protocol"))
        and name not in ("wcs_ext", "wcs_ext._version")
    ]
    assert foreign == []


@pytest.mark.parametrize("path", _files("protocol"), ids=lambda p: p.name)
def test_the_protocol_is_pure(path: Path) -> None:
    names = list(imports_of(path))
    assert [n for n in names if n.split(".")[0] in ("httpx", "wcs_client", "starlette")] == []
    assert [n for n in names if _client_side(n) and not n.startswith("wcs_ext.protocol")] == []


@pytest.mark.parametrize("path", _files("compat"), ids=lambda p: p.name)
def test_compat_imports_only_the_public_client(path: Path) -> None:
    # wcs_ext.compat is the original's surface on Wcs: through the public names of
    # wcs_ext (``from wcs_ext import Wcs, ...``) and nothing below them.
    import wcs_ext

    public = {f"wcs_ext.{name}" for name in wcs_ext.__all__}
    foreign = [
        name
        for name in imports_of(path)
        if _client_side(name)
        and name != "wcs_ext"
        and name not in public
        and not name.startswith("wcs_ext.compat")
    ]
    assert foreign == []
