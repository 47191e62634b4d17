"""The one rule for local names made of remote data (``wcs_ext/transfer/local_names.py``):
a key, a URL's last component or a server's name becomes one safe file-name component,
and a path joined under a directory stays inside it. Tables of hostile names."""

from __future__ import annotations

from pathlib import Path

import pytest

from wcs_ext.errors import WcsInputError
from wcs_ext.transfer.local_names import MAX_NAME_BYTES, name_from_url, path_inside, safe_name

# (remote name, the file name it becomes)
SAFE_NAMES = [
    ("cat.jpg", "cat.jpg"),
    ("cat pic (1).jpg", "cat pic (1).jpg"),
    ("...", "..."),
    ("~", "~"),
    ("-rf", "-rf"),
    ("..x", "..x"),
    ("../x", ".._x"),
    ("../../etc/passwd", ".._.._etc_passwd"),
    ("/etc/passwd", "_etc_passwd"),
    ("a/b/", "a_b_"),
    ("..\\..\\x", ".._.._x"),
    ("a\x00b", "a_b"),
    ("line\nbreak\r", "line_break_"),
    ("\x1b[31mred\x1b[0m", "_[31mred_[0m"),
    ("tab\there", "tab_here"),
    ("del\x7f", "del_"),
    ("c1\x9bcontrol", "c1_control"),
    ("\u202egpj.exe", "_gpj.exe"),  # right-to-left override: shows as "exe.jpg"
    ("para\u2029sep", "para_sep"),
    ("bad\udcffbyte", "bad_byte"),  # an undecodable byte of a command line
    ("日本語.txt", "日本語.txt"),
]

# Remote names that make no file name at all.
REFUSED_NAMES = ["", ".", "..", " ", "\u3000 ", "x.wcs-part", ".x.wcs-part.json", "y.wcs-part.lock"]


@pytest.mark.parametrize(("remote", "expected"), SAFE_NAMES)
def test_a_remote_name_becomes_one_safe_component(remote: str, expected: str) -> None:
    name = safe_name(remote)
    assert name == expected
    assert safe_name(name) == name  # a safe name stays what it is
    assert path_inside("some/dir", name) == Path("some/dir", name)


@pytest.mark.parametrize("remote", REFUSED_NAMES)
def test_names_that_are_no_file_name_are_refused(remote: str) -> None:
    with pytest.raises(WcsInputError, match="not a safe file name"):
        safe_name(remote)


@pytest.mark.parametrize(
    ("remote", "ends"),
    [("x" * 1000, "x"), ("a" * 500 + ".tar.gz", ".gz"), ("é" * 300, "é"), ("日" * 200, "日")],
)
def test_long_names_are_cut_to_a_bounded_length_keeping_the_extension(
    remote: str, ends: str
) -> None:
    name = safe_name(remote)
    assert len(name.encode()) <= MAX_NAME_BYTES
    assert len(name.encode()) > MAX_NAME_BYTES - 4  # cut, not emptied
    assert name.endswith(ends)
    assert safe_name(name) == name


# (URL, the file name `get URL` saves to)
URL_NAMES = [
    ("http://h/a/cat.jpg", "cat.jpg"),
    ("http://h/a/cat%20pic.jpg?x=1&y=../z#../frag", "cat pic.jpg"),
    ("https://h/dir/", "dir"),
    ("http://h/..%2Fx", "x"),
    ("http://h/a%2F..%2F..%2Fescaped", "escaped"),
    ("http://h/%2Fetc%2Fpasswd", "passwd"),
    ("http://h/%2F%2F%2Froot", "root"),
    ("http://h/a/%2F", "a"),
    ("http://h/x%252Fy", "x%2Fy"),  # decoded once: no separator appears
    ("http://h/a%00b", "a_b"),
    ("http://h/%1B%5B2J%0Aname", "_[2J_name"),
    ("http://h/a%5C..%5Cb", "a_.._b"),
    ("http://h/%E2%80%AEgpj.exe", "_gpj.exe"),
    ("http://h/%FF%FE", "\ufffd\ufffd"),  # not UTF-8: replacement characters
]

REFUSED_URLS = [
    "http://h",
    "http://h/",
    "http://h/a/..",
    "http://h/a/%2E%2E",
    "http://h/a/.",
    "http://h/a/%2e",
    "http://h/a/..%2F",
    "http://h/a/%2E%2E%2F%2E%2E%2F",
    "http://h/a/%20",
]


@pytest.mark.parametrize(("url", "expected"), URL_NAMES)
def test_the_name_of_a_url_is_its_last_decoded_component(url: str, expected: str) -> None:
    assert name_from_url(url) == expected


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_url_without_a_usable_last_component_is_refused(url: str) -> None:
    with pytest.raises(WcsInputError, match="give FILENAME"):
        name_from_url(url)


@pytest.mark.parametrize(
    "name", ["../x", "..", ".", "", "/abs", "a/b", "a\x00b", "x\n", "x.wcs-part", "x" * 300]
)
def test_path_inside_takes_safe_names_only(tmp_path: Path, name: str) -> None:
    with pytest.raises(WcsInputError, match="not a safe file name"):
        path_inside(tmp_path, name)


def test_path_inside_joins_under_the_directory(tmp_path: Path) -> None:
    assert path_inside(tmp_path, "f.bin") == tmp_path / "f.bin"
    assert path_inside(".", "f.bin") == Path("f.bin")  # shown as the user's own "f.bin"
