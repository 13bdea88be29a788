"""The browser test skips without Chromium, but fails when CI requires the browser."""

from pathlib import Path

import pytest

from . import test_explorer_browser as browser_test


def test_skips_without_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_test, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("NQX_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing"):
        browser_test._require_browser()


def test_fails_without_chromium_when_required(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_test, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("NQX_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match=r"NQX_REQUIRE_BROWSER=1 but .*no-chromium"):
        browser_test._require_browser()


def test_uses_the_system_chromium():
    assert Path("/usr/bin/chromium") == browser_test.CHROMIUM
