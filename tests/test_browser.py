"""A real browser opens the report offline: no console errors, no external requests, screenshots.

Headless Chromium is driven over the DevTools protocol through ``--remote-debugging-pipe``
(JSON messages separated by NUL bytes on file descriptors 3 and 4), so only the standard
library is needed. The network is switched off for the page (``Network.emulateNetworkConditions``
offline), every request the page makes is recorded (anything but ``file:`` and ``data:`` is an
external load), and console errors, uncaught exceptions and browser log errors are collected.
Screenshots are saved under the test's temporary folder (and copied to ``$FBRESEARCH_SCREENSHOTS``
when that is set, to look at them).
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from fbresearch.report.params import DEFAULT_NOTEBOOKS_DIR, NOTEBOOK_ORDER

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit and Path(explicit).exists():
        return explicit
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


class Browser:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: fd 3 = commands in, fd 4 = messages out
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        args = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--mute-audio",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.proc = subprocess.Popen(
            args,
            preexec_fn=wire,
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next = 0
        self._replies: dict[int, dict] = {}
        self.events: queue.Queue = queue.Queue()
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._cond:
                        self._replies[message["id"]] = message
                        self._cond.notify_all()
                else:
                    self.events.put(message)

    def send(
        self,
        method: str,
        params: dict | None = None,
        session: str | None = None,
        timeout: float = 60,
    ) -> dict:
        self._next += 1
        number = self._next
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while number not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no reply to {method}")
                self._cond.wait(left)
            reply = self._replies.pop(number)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    def drain(self) -> list[dict]:
        items = []
        while True:
            try:
                items.append(self.events.get_nowait())
            except queue.Empty:
                return items

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)


def open_page(browser: Browser, url: str, shot: Path) -> dict:
    """Load ``url`` offline in a new tab; return requests, errors, images; save a screenshot."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(f"{domain}.enable", session=session)
    browser.send(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        session=session,
    )
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    browser.drain()
    browser.send("Page.navigate", {"url": url}, session=session)
    events: list[dict] = []
    deadline = time.monotonic() + 60
    loaded = False
    while time.monotonic() < deadline and not loaded:
        try:
            event = browser.events.get(timeout=1)
        except queue.Empty:
            continue
        events.append(event)
        loaded = event.get("method") == "Page.loadEventFired" and event.get("sessionId") == session
    assert loaded, f"{url} did not finish loading"
    time.sleep(0.5)  # late errors
    events += browser.drain()
    images = browser.send(
        "Runtime.evaluate",
        {
            "expression": "Array.from(document.images).map(i => i.complete && i.naturalWidth > 0)",
            "returnByValue": True,
        },
        session=session,
    )["result"]["value"]
    # tables that run off the page: their box scrolls sideways (caption of each)
    overflow = browser.send(
        "Runtime.evaluate",
        {
            "expression": "Array.from(document.querySelectorAll('.fb-table-wrap'))"
            ".filter(w => w.scrollWidth > w.clientWidth + 1)"
            ".map(w => (w.querySelector('caption') || {}).textContent || '(no caption)')",
            "returnByValue": True,
        },
        session=session,
    )["result"]["value"]
    height = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]["height"]
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": 1100,
            "height": int(min(max(height, 800), 8000)),
            "deviceScaleFactor": 1,
            "mobile": False,
        },
        session=session,
    )
    png = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
    shot.write_bytes(base64.b64decode(png))
    events += browser.drain()
    browser.send("Target.closeTarget", {"targetId": target})
    mine = [e for e in events if e.get("sessionId") == session]
    requests = [
        e["params"]["request"]["url"] for e in mine if e["method"] == "Network.requestWillBeSent"
    ]
    errors = [
        json.dumps(e["params"])[:300]
        for e in mine
        if e["method"] == "Runtime.exceptionThrown"
        or (
            e["method"] == "Runtime.consoleAPICalled"
            and e["params"].get("type") in ("error", "assert")
        )
        or (e["method"] == "Log.entryAdded" and e["params"]["entry"].get("level") == "error")
        or e["method"] == "Network.loadingFailed"
    ]
    return {"requests": requests, "errors": errors, "images": images, "overflow": overflow}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found (install Debian's `chromium`, or set CHROMIUM=/path/to/chrome)"
        )
    instance = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    try:
        instance.send("Browser.getVersion", timeout=60)
    except Exception as exc:  # noqa: BLE001
        instance.close()
        pytest.skip(f"Chromium at {executable} did not start: {exc}")
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def real_report(tmp_path_factory):
    """The report of every notebook in notebooks/ on the built-in sample (5,000 responses).

    The session's monthly report at confidence 0.9 (tests/shared_runs.py), which
    tests/test_confidence_level.py reads too: every page, the default parameters otherwise.
    """
    from tests.shared_runs import monthly_report_at_90

    available = [n for n in NOTEBOOK_ORDER if (DEFAULT_NOTEBOOKS_DIR / f"{n}.ipynb").exists()]
    if not available:
        pytest.skip("no report notebooks in notebooks/ yet")
    run = monthly_report_at_90(tmp_path_factory)
    pages = {n["name"] for n in run.manifest["notebooks"] if n["status"] != "skipped"}
    assert pages == set(available) and run.params["sample_size"] == 5000
    return run.out


def test_pages_load_offline_without_errors_or_external_requests(browser, real_report, tmp_path):
    pages = [real_report / "index.html", *sorted((real_report / "2026-10").glob("*.html"))]
    assert len(pages) >= 3
    copy_to = os.environ.get("FBRESEARCH_SCREENSHOTS")
    for page in pages:
        name = "reports_index" if page.parent == real_report else page.stem
        shot = tmp_path / f"{name}.png"
        seen = open_page(browser, page.as_uri(), shot)
        external = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
        assert not external, (page.name, external)
        assert not seen["errors"], (page.name, seen["errors"])
        assert all(seen["images"]), (page.name, "an image did not load")
        # every table fits the page width (1100 px window: the page's full 1040 px column)
        assert not seen["overflow"], (page.name, "tables wider than the page", seen["overflow"])
        assert shot.stat().st_size > 10_000
        if copy_to:
            Path(copy_to).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(copy_to) / shot.name)


def test_the_browser_test_sees_external_requests_and_errors(browser, tmp_path):
    # the checks above can fail: a page that tries the network and throws is caught
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.example.com/x.js"></script></head>'
        "<body><script>console.error('boom'); undefinedFunction();</script></body></html>"
    )
    seen = open_page(browser, page.as_uri(), tmp_path / "bad.png")
    assert any(u.startswith("https://cdn.example.com") for u in seen["requests"])
    assert seen["errors"]
