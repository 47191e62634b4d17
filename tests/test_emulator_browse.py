"""The emulator's read-only page at ``/``: buckets, objects, download links, hostile keys
shown as text (never markup), checked with an HTML parser and, where Chromium is
installed, in a real headless browser."""

from __future__ import annotations

import html.parser
import os
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.conftest import EmulatorFactory, EmulatorProcess
from wcs_ext.emulator.endpoints.browse import PAGE_SIZE, shown

CHROMIUM = Path("/usr/bin/chromium")

HOSTILE_KEYS = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">.png",
    "quote\"apos'amp&lt<gt>.txt",
    "../up.txt",
    "./here.txt",
    "dir/q?x=1#frag",
    "space and+plus%2F.txt",
    "ctl\x1b[31m\u202eevil\x00.txt",
    "目录/文件 名.txt",
)
DISPLAYED = {"ctl\x1b[31m\u202eevil\x00.txt": "ctl\\x1b[31m\\u202eevil\\x00.txt"}
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "a", "section",
    "table", "tr", "th", "td", "code",
}  # fmt: skip


class PageParser(html.parser.HTMLParser):
    """Every tag and attribute of the page, and the object links with their text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, text) of class="object"
        self.more: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        values = dict(attrs)
        if tag == "a" and values.get("class") == "object":
            self._open = (values["href"] or "", [])
        if tag == "a" and values.get("class") == "more":
            self.more.append(values["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self.links.append((self._open[0], "".join(self._open[1])))
            self._open = None


def parse(text: str) -> PageParser:
    parser = PageParser()
    parser.feed(text)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def browsed(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    emulator = emulator_factory(buckets=("page", "empty"))
    with emulator.client() as wcs:
        for number, key in enumerate(HOSTILE_KEYS):
            wcs.stream_upload([f"content {number}".encode()], "page", key)
    return emulator


def page(emulator: EmulatorProcess, query: str = "") -> httpx.Response:
    answer = httpx.get(f"{emulator.mgr_url}/{query}")
    assert answer.status_code == 200, answer.text
    return answer


def test_the_page_lists_every_bucket_and_object(browsed: EmulatorProcess) -> None:
    answer = page(browsed)
    assert answer.headers["content-type"].startswith("text/html")
    assert "script-src" not in answer.headers["content-security-policy"]
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    parsed = parse(answer.text)
    assert parsed.tags <= ALLOWED_TAGS
    assert parsed.attributes <= {"lang", "charset", "class", "href"}
    # Each key is one link whose text is the key (what does not print made visible).
    assert sorted(text for _, text in parsed.links) == sorted(
        displayed(key) for key in HOSTILE_KEYS
    )
    assert "no objects" in answer.text  # the empty bucket


def displayed(key: str) -> str:
    """What a browser shows for ``key``: the key, with what does not print made visible."""
    return DISPLAYED.get(key, key)


def test_what_does_not_print_is_shown_visibly() -> None:
    assert shown("a\x1bb\u202ec\x00") == "a\\x1bb\\u202ec\\x00"
    assert shown("<b>&\"'") == "&lt;b&gt;&amp;&quot;&#x27;"
    assert shown("目录 ok") == "目录 ok"


def test_every_link_downloads_its_object(browsed: EmulatorProcess) -> None:
    parsed = parse(page(browsed).text)
    by_text = {text: href for href, text in parsed.links}
    for number, key in enumerate(HOSTILE_KEYS):
        href = by_text[displayed(key)]
        assert href.startswith("/dl/page/")
        got = httpx.get(urljoin(f"{browsed.mgr_url}/", href))
        assert got.status_code == 200, (key, href)
        assert got.content == f"content {number}".encode(), key


def test_one_bucket_and_pages_of_it(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(buckets=("many", "other"))
    keys = [f"k{n:04d}" for n in range(PAGE_SIZE + 5)]
    with emulator.client() as wcs:
        for key in keys:
            wcs.stream_upload([b"x"], "many", key)
    first = parse(page(emulator, "?bucket=many").text)
    assert [text for _, text in first.links] == keys[:PAGE_SIZE]
    (more,) = first.more
    second = parse(page(emulator, more.removeprefix("/")).text)
    assert [text for _, text in second.links] == keys[PAGE_SIZE:]
    assert second.more == []
    missing = httpx.get(f"{emulator.mgr_url}/?bucket=nosuch")
    assert missing.status_code == 404
    assert missing.json()["message"] == "bucket not exist: nosuch"


def test_a_browser_runs_nothing_from_the_keys(browsed: EmulatorProcess, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium'): no browser check")
    # The page forbids scripts, so none would run anyway: what proves the escaping is
    # the DOM the browser built, which must hold no element a key brought in.
    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            # No calls home: this machine's closed network refuses them, and they slow the start.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            f"{browsed.mgr_url}/",
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = parse(dom.stdout)
    assert "<title>WCS emulator</title>" in dom.stdout  # no key's script renamed the page
    assert "pwned" not in dom.stdout.split("</title>")[0]
    assert parsed.tags <= ALLOWED_TAGS | {"tbody"}  # the browser adds tbody itself
    assert sorted(text for _, text in parsed.links) == sorted(
        displayed(key) for key in HOSTILE_KEYS
    )
