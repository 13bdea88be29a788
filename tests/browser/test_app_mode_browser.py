"""App mode in a real browser: ``nqs-explorer app`` (Voilà) rendered by Debian's Chromium.

The test starts the command that ``nqs-explorer app`` runs (from `cli.app_command`, on
127.0.0.1 and a free port) on a fresh explorer notebook, opens it in Chromium and waits for the
explorer: its tabs, the lattice drawing, no code cells, no traceback and no JavaScript error.
Then it switches to the Spectrum tab and back, as a visitor of a Binder link would.
"""

from __future__ import annotations

import os

import pytest

from nqs_explorer import cli

from .test_explorer_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    _free_port,
    _require_browser,
    serve,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """A Voilà server (as `nqs-explorer app` starts it) on a fresh explorer notebook."""
    _require_browser()
    root = tmp_path_factory.mktemp("app")
    notebook = cli.write_explorer_notebook(root / "notebooks")
    port = _free_port()
    cmd = cli.app_command(notebook, port, True, ("--Voila.ip=127.0.0.1",))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    with serve(cmd, port, env, root / "voila.log", "voila", "/voila/static/") as url:
        yield url


def test_explorer_as_an_app(voila, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    console_errors: list[str] = []
    failed_requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda err: console_errors.append(f"page error: {err}"))
            page.on("requestfailed", lambda request: failed_requests.append(request.url))
            page.goto(voila)
            # The notebook ran on open: the explorer's tabs and its lattice canvas are there.
            tabs = page.locator(".lm-TabBar-tab, .p-TabBar-tab")
            expect(tabs.filter(has_text="Lattice").first).to_be_visible()
            expect(page.locator(".jupyter-matplotlib-canvas-div canvas").first).to_be_visible()
            # App mode shows outputs only: no code, no input prompt.
            assert page.locator("text=nqx.Explorer()").count() == 0
            tabs.filter(has_text="Spectrum").first.click()
            expect(page.locator("text=Hamiltonian").first).to_be_visible()
            tabs.filter(has_text="Lattice").first.click()
            page.screenshot(path=str(tmp_path / "app-mode.png"))
            body = page.locator("body").inner_text()
            assert "Traceback" not in body
        finally:
            browser.close()
    # Voilà asks CDNs for optional assets (MathJax, fonts); CI and this sandbox are offline,
    # and the app must work without them. Anything the app's own server fails to serve, and
    # any other console error, is a failure.
    local = [url for url in failed_requests if url.startswith(voila)]
    external = [url for url in failed_requests if not url.startswith(voila)]
    assert local == []
    unexplained = [
        text
        for text in console_errors
        if not (text.startswith("Failed to load resource") and external)
    ]
    assert unexplained == [], (unexplained, external)
