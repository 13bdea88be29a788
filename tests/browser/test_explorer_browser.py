"""The explorer in a real browser: JupyterLab driven by Debian's Chromium through Playwright.

The test starts ``jupyter lab`` on 127.0.0.1 (temporary config, settings and workspace
folders, no token, a free port) on a copy of ``notebooks/explorer.ipynb``, runs the notebook,
waits for the widgets, changes the lattice and the character, clicks a site of the orbit
view's ipympl canvas to flip its spin, and checks that the views followed (DOM text and
pixels), with no JavaScript error in the console and no error output in the kernel. It also
checks the orbit view's layout: nothing in it overflows its box horizontally unless that box
scrolls, the terms table fits beside the configuration at the default viewport, and in a
narrow viewport the orbit gallery's canvas is scaled down to the view's width.

Classroom sizes: at 1280×720 and 1920×1080, with JupyterLab's side bar (file browser) open
and closed, the views sit beside the controls column, and nothing in the explorer is
truncated (a label, button, tab or dropdown showing an ellipsis), outside the window
horizontally or scrolling inside the notebook (no nested scroll bars); at the narrowest
(1280×720, side bar open) every tab is checked, and folding the controls column gives the
views the whole row. Screenshots ``explorer-1280x720.png``, ``explorer-1280x720-sidebar.png``,
``explorer-1920x1080.png`` and ``explorer-1920x1080-sidebar.png`` (shrunk to at most 1280 px
wide, 256 colours) are what the README shows.

To find the site on the canvas, a helper cell appended to the copy asks the live figure
where it drew each site (``transData``) and tags the canvas widget with a CSS class.

Without ``/usr/bin/chromium`` (or Playwright) the test is skipped, unless
``NQX_REQUIRE_BROWSER=1`` (CI sets it), when it fails. Screenshots are written to
``$NQX_SCREENSHOT_DIR`` when set (``NQX_SCREENSHOT_DIR=docs/screenshots`` refreshes the ones
the README shows), else to the test's temporary folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "explorer.ipynb"
CANVAS_CLASS = "nqx-test-orbit-canvas"
# True once the Train tab's step counter is above `arg`.
TRAIN_STEPS_ABOVE = """(n) => {
    const el = document.querySelector('.nqx-train-step');
    const m = el && el.textContent.match(/step (\\d+)/);
    return m !== null && Number(m[1]) > n;
}"""
HELPER_CELL = f"""\
# Test helper: where the orbit view drew each site, in CSS pixels of its canvas.
import json

import nqs_explorer as nqx

app = next(v for v in Out.values() if isinstance(v, nqx.widgets.Explorer))
canvas = app.orbit.configuration_figure.widget
canvas.add_class("{CANVAS_CLASS}")
fig = canvas.figure
ax = fig.axes[0]
sites = next(c for c in ax.collections if c.get_gid() == "sites")
ratio = getattr(fig.canvas, "device_pixel_ratio", 1) or 1
height = fig.bbox.height / ratio
xy = ax.transData.transform(sites.get_offsets()) / ratio
print(json.dumps({{"sites": [[float(x), float(height - y)] for x, y in xy]}}))
"""
# JupyterLab's own settings, so that nothing asks for the network (news, update checks).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1500, "height": 1250}
# Narrow enough that the orbit gallery (817 px for Chain 8) must be scaled down, with the
# controls column folded (the views then take the whole width of the notebook).
NARROW_VIEWPORT = {"width": 800, "height": 1250}
# The elements of the tab panel holding `selector` that overflow horizontally without
# scrolling: wider content than box, and the box clips it or lets it spill over.
CLIPPED_IN_PANEL = """(selector) => {
    const panel = document.querySelector(selector).closest(".jupyter-widget-TabPanel-tabContents");
    return Array.from(panel.querySelectorAll("*"))
        .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
                && !["auto", "scroll"].includes(getComputedStyle(e).overflowX))
        .map(e => `${e.tagName}.${e.className}: ${e.scrollWidth} > ${e.clientWidth} px`);
}"""
TERMS_BOX = """() => {
    const box = document.querySelector(".nqx-terms-box");
    return {scroll: box.scrollWidth, client: box.clientWidth,
            overflow: getComputedStyle(box).overflowX};
}"""
# The orbit gallery's canvas: its size on screen, its own size (ipympl's inline style, CSS
# pixels) and the width of the view holding it.
GALLERY_CANVAS = """() => {
    const panel = document.querySelector(".nqx-terms").closest(".jupyter-widget-TabPanel-tabContents");
    const widget = panel.querySelector(".nqx-fluid-canvas");
    const canvas = widget.querySelector(".jupyter-matplotlib-canvas-div > canvas");
    const box = canvas.getBoundingClientRect();
    return {width: box.width, height: box.height,
            own_width: parseFloat(canvas.parentElement.style.width),
            aspect: canvas.width / canvas.height,
            container: widget.parentElement.clientWidth};
}"""
# Classroom screens: (width, height) of the browser window.
CLASSROOM_VIEWPORTS = ((1280, 720), (1920, 1080))
#: Widest a kept screenshot is (pixels); larger ones are shrunk (README images stay small).
SCREENSHOT_MAX_PX = 1280
# Everything wrong with the explorer's layout as it is on screen now, as readable lines:
# truncated text (labels, buttons, tabs: scrollWidth > clientWidth; dropdowns: the chosen
# option wider than the select), elements outside the window horizontally, boxes that
# scroll (nested scroll bars; list boxes and text areas excepted), and the views not
# beside the controls column.
LAYOUT_PROBLEMS = """() => {
    const root = document.querySelector(".nqx-explorer");
    const problems = [];
    const name = e => `${e.tagName.toLowerCase()}.${String(e.className).split(" ").slice(0, 3).join(".")}`
        + ` "${(e.innerText || e.value || "").trim().slice(0, 30)}"`;
    // (checkVisibility: false inside a closed <details> too)
    const visible = e => e.checkVisibility({visibilityProperty: true}) && e.clientWidth > 0;
    const texts = root.querySelectorAll(
        ".widget-label, .jupyter-button, .widget-toggle-button, .lm-TabBar-tabLabel, "
        + ".widget-html-content, .widget-checkbox label, .widget-box");
    for (const e of texts) {
        if (visible(e) && e.scrollWidth > e.clientWidth + 1
                && !["auto", "scroll"].includes(getComputedStyle(e).overflowX))
            problems.push(`truncated or spilling ${name(e)}: ${e.scrollWidth} > ${e.clientWidth} px`);
    }
    const ctx = document.createElement("canvas").getContext("2d");
    for (const e of root.querySelectorAll(".widget-dropdown select")) {
        if (!visible(e) || e.selectedIndex < 0) continue;
        const style = getComputedStyle(e);
        ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = e.options[e.selectedIndex].text;
        const need = ctx.measureText(text).width + parseFloat(style.paddingLeft)
            + parseFloat(style.paddingRight);
        if (need > e.clientWidth + 1)
            problems.push(`truncated dropdown "${text}": needs ${Math.ceil(need)} > ${e.clientWidth} px`);
    }
    const width = document.documentElement.clientWidth;
    for (const e of root.querySelectorAll("*")) {
        if (!visible(e)) continue;
        const box = e.getBoundingClientRect();
        if (box.width > 0 && (box.right > width + 1 || box.left < -1))
            problems.push(`outside the window ${name(e)}: ${box.left}..${box.right} of ${width} px`);
        const style = getComputedStyle(e);
        if (["SELECT", "TEXTAREA"].includes(e.tagName)) continue;
        if ((["auto", "scroll"].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
                || (["auto", "scroll"].includes(style.overflowY) && e.scrollHeight > e.clientHeight + 1))
            problems.push(`scrolls ${name(e)}: ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`);
    }
    const output = root.closest(".jp-OutputArea-output");
    if (output && output.scrollWidth > output.clientWidth + 1)
        problems.push(`the notebook output scrolls: ${output.scrollWidth} > ${output.clientWidth} px`);
    const controls = root.querySelector(".nqx-controls").getBoundingClientRect();
    const views = root.querySelector(".nqx-views").getBoundingClientRect();
    if (views.top > controls.top + 30 || views.left < controls.right - 1)
        problems.push(`views not beside the controls: controls ${JSON.stringify(controls)}, views ${JSON.stringify(views)}`);
    return problems;
}"""
VIEWS_WIDTH = """() => document.querySelector(".nqx-views").getBoundingClientRect().width"""
# The notebook is current and its kernel connected and idle. Running cells earlier makes
# JupyterLab ask for a kernel (a dialog) and the run waits for it.
KERNEL_READY = """() => {
    const app = window.jupyterapp;
    const context = app.shell.currentWidget && app.shell.currentWidget.sessionContext;
    const kernel = context && context.isReady && context.session && context.session.kernel;
    return Boolean(kernel) && kernel.status === "idle"
        && app.commands.isEnabled("notebook:run-all-cells");
}"""


def _require_browser():
    """Skip (or fail, when CI requires the browser) without Chromium or Playwright."""
    required = os.environ.get("NQX_REQUIRE_BROWSER") == "1"
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason is not None:
        if required:
            pytest.fail(f"NQX_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@contextlib.contextmanager
def serve(cmd, port: int, env, log_path: Path, name: str, ready_path: str):
    """Run the server ``cmd`` (on ``port``) until the block ends; yields its URL once
    ``GET ready_path`` answers (any HTTP status), failing the test with its log if it exits
    or takes over a minute. SIGTERM stops it (Jupyter shuts its kernels down then)."""
    with log_path.open("w") as log:
        server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"{name} exited: {log_path.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{url}{ready_path}", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not start: {log_path.read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the explorer notebook (plus the helper cell)."""
    _require_browser()
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "id": "test-helper",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": HELPER_CELL,
        }
    )
    (notebooks / NOTEBOOK.name).write_text(json.dumps(nb), encoding="utf-8")
    for name, values in LAB_SETTINGS.items():
        path = root / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--allow-root",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={notebooks}",
        f"--LabApp.user_settings_dir={root / 'settings'}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
        # lets the test run JupyterLab commands (run all cells) as a user would from the menu
        "--LabApp.expose_app_in_browser=True",
    ]
    with serve(cmd, port, env, root / "lab.log", "jupyter lab", "/api/status") as url:
        yield url


@pytest.fixture
def screenshot_dir(tmp_path):
    folder = Path(os.environ.get("NQX_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _select(page, description: str):
    """The ``<select>`` of the ipywidgets Dropdown whose description is ``description``."""
    label = page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(description)}$"))
    return page.locator(".widget-dropdown", has=label).locator("select")


def _widget_text(page, contains: str):
    return page.locator(".widget-html-content", has_text=contains).first


def _error_outputs(page) -> list[str]:
    """Error text anywhere in the notebook: stderr/traceback outputs, inside widgets too."""
    selectors = (
        "[data-mime-type='application/vnd.jupyter.stderr']",
        ".jp-OutputArea-output:has-text('Traceback')",
        ".nqx-error",  # the app's own error messages (shown instead of raising)
        ".nqx-log-error",
    )
    return [text for sel in selectors for text in page.locator(sel).all_inner_texts()]


def _set_left_area(page, open_: bool) -> None:
    """Open (the file browser) or close JupyterLab's left side bar, and let the page reflow."""
    command = "expandLeft" if open_ else "collapseLeft"
    page.evaluate(f"() => window.jupyterapp.shell.{command}()")
    page.wait_for_function(
        f"() => window.jupyterapp.shell.leftCollapsed === {str(not open_).lower()}"
    )
    page.wait_for_timeout(600)


def _keep_screenshot(page, path: Path) -> None:
    """A screenshot of the window, shrunk to SCREENSHOT_MAX_PX wide and 256 colours."""
    from PIL import Image

    page.screenshot(path=str(path))
    with Image.open(path) as image:
        image.load()
    if image.width > SCREENSHOT_MAX_PX:
        height = round(image.height * SCREENSHOT_MAX_PX / image.width)
        image = image.resize((SCREENSHOT_MAX_PX, height), Image.LANCZOS)
    image.convert("RGB").quantize(256).save(path, optimize=True)


def _tab(page, title: str):
    return page.locator(".nqx-explorer .lm-TabBar-tab", has_text=re.compile(rf"^{title}$"))


def _check_classroom_layout(page, screenshot_dir: Path) -> None:
    """The layout at both classroom sizes, side bar open and closed (see the module doc)."""
    problems = {}
    for width, height in CLASSROOM_VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for sidebar in (False, True):  # the last: 1920x1080 with the side bar open
            _set_left_area(page, sidebar)
            page.locator(".nqx-explorer").scroll_into_view_if_needed()
            page.evaluate("() => document.querySelector('.nqx-explorer').scrollIntoView()")
            page.wait_for_timeout(300)
            name = f"explorer-{width}x{height}{'-sidebar' if sidebar else ''}"
            _keep_screenshot(page, screenshot_dir / f"{name}.png")
            problems[name] = page.evaluate(LAYOUT_PROBLEMS)
    # folding the controls gives the views the whole row
    narrow = page.evaluate(VIEWS_WIDTH)
    _fold_controls(page, True)
    assert page.evaluate(VIEWS_WIDTH) > narrow + 250, "folding the controls did not widen the views"
    _fold_controls(page, False)
    _set_left_area(page, False)
    problems = {k: v for k, v in problems.items() if v}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def _check_every_tab(page, screenshot_dir: Path) -> None:
    """At the narrowest (1280×720, side bar open) no tab of either column has a layout
    problem. (Run last: showing every view before the lattice change made Play stop
    after one step in JupyterLab, see the report; not reproduced without a browser.)"""
    problems = {}
    page.set_viewport_size({"width": 1280, "height": 720})
    _set_left_area(page, True)
    for title in ("Group", "Character", "Model", "Lattice"):
        _tab(page, title).click()
        page.wait_for_timeout(400)
        problems[title] = page.evaluate(LAYOUT_PROBLEMS)
    for title in ("Autoregressive", "Spectrum", "Train", "Parameters", "Checks", "Export", "Orbit"):
        _tab(page, title).click()
        expect_idle(page)
        problems[title] = page.evaluate(LAYOUT_PROBLEMS)
    # an autoregressive model: conditionals, samples and their histogram against |ψ|²
    _tab(page, "Model").click()
    _select(page, "architecture").select_option("FastARNNConv1D")
    _tab(page, "Autoregressive").click()
    expect_idle(page)
    page.locator(".nqx-explorer .jupyter-button", has_text="draw samples").click()
    expect_idle(page)
    page.evaluate("() => document.querySelector('.nqx-views').scrollIntoView()")
    _keep_screenshot(page, screenshot_dir / "explorer-1280x720-sidebar-autoregressive.png")
    problems["Autoregressive (FastARNNConv1D)"] = page.evaluate(LAYOUT_PROBLEMS)
    _tab(page, "Parameters").click()
    expect_idle(page)
    problems["Parameters (FastARNNConv1D)"] = page.evaluate(LAYOUT_PROBLEMS)
    _set_left_area(page, False)
    problems = {k: v for k, v in problems.items() if v}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def _fold_controls(page, folded: bool) -> None:
    """Fold (or unfold) the controls column with its button; wait until the kernel did."""
    page.locator(".nqx-collapse").click()
    test = "<" if folded else ">"
    page.wait_for_function(
        f"() => document.querySelector('.nqx-controls').getBoundingClientRect().width {test} 200"
    )
    page.wait_for_timeout(300)


def expect_idle(page) -> None:
    """Wait until the kernel is idle (a view computed what its tab shows)."""
    page.wait_for_timeout(300)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.wait_for_timeout(500)


def _run_helper(page, n_sites: int) -> list[list[float]]:
    """Run the helper cell; the display coordinates of the ``n_sites`` sites it prints."""
    helper = page.locator(".jp-Cell").nth(2)
    helper.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    output = helper.locator(".jp-OutputArea-output")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        texts = output.all_inner_texts()
        if texts:
            try:
                sites = json.loads(texts[0])["sites"]
            except (ValueError, KeyError):
                sites = []
            if len(sites) == n_sites:
                return sites
        page.wait_for_timeout(200)
    raise AssertionError(f"helper cell did not report {n_sites} sites: {output.all_inner_texts()}")


def _sigma(page) -> str:
    """The configuration the orbit view shows, as ``+``/``−`` per site."""
    text = _widget_text(page, "orbit size").inner_text()
    return re.search(r"σ = ([+−]+)", text).group(1)


def test_explorer_in_jupyterlab(lab, screenshot_dir):
    from playwright.sync_api import expect, sync_playwright

    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            # Every wait is bounded (a stuck kernel fails the test instead of hanging it).
            page.set_default_timeout(TIMEOUT_MS)
            expect.set_options(timeout=TIMEOUT_MS)
            # JupyterLab may ask for a kernel at any time (late under load): accept it.
            page.add_locator_handler(
                page.locator(".jp-Dialog .jp-mod-accept"),
                lambda button: button.click(),
                no_wait_after=True,
            )
            page.on(
                "console",
                lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
            )
            page.on("pageerror", lambda err: console_errors.append(f"page error: {err}"))

            # -- open the notebook; accept a kernel dialog if JupyterLab shows one
            page.goto(f"{lab}/lab/tree/{NOTEBOOK.name}")
            page.wait_for_selector(".jp-Notebook")
            page.wait_for_function("window.jupyterapp !== undefined")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            page.evaluate("window.jupyterapp.commands.execute('application:toggle-left-area')")

            # -- run it and wait for the widgets (the first jax cell takes ~10 s); clicking a
            # cell first makes this notebook the one JupyterLab's commands act on
            page.locator(".jp-Cell .jp-InputPrompt").first.click()
            page.wait_for_function(KERNEL_READY)
            # (not awaiting the command's promise: it only settles once every cell ran)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            expect(_widget_text(page, "orbit size")).to_contain_text("group T(3x3)")
            helper_output = page.locator(".jp-Cell").nth(2).locator(".jp-OutputArea-output")
            expect(helper_output).to_contain_text('{"sites": [[')  # the last cell ran too
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            page.wait_for_timeout(1000)  # let ipympl paint the canvases
            canvas = page.locator(f".{CANVAS_CLASS} .jupyter-matplotlib-canvas-div")
            expect(canvas).to_be_visible()
            expect(page.locator(".widget-tab .lm-TabBar-tab")).to_have_count(11)
            page.locator(".jp-Cell").nth(1).scroll_into_view_if_needed()
            _keep_screenshot(page, screenshot_dir / "explorer.png")
            _check_classroom_layout(page, screenshot_dir)
            page.set_viewport_size(VIEWPORT)

            # -- change the lattice: Square 3x3 -> Chain (8 sites); every view follows
            _select(page, "lattice").select_option("Chain")
            expect(_widget_text(page, "orbit size")).to_contain_text("group T(8)")
            expect(_widget_text(page, "nearest-neighbour bonds")).to_contain_text("N = 8 sites")

            # -- change the character on the Character tab: k = 2π/8
            page.locator(".widget-tab .lm-TabBar-tab", has_text="Character").click()
            irrep = _select(page, "irrep")
            # ipywidgets writes option labels with non-breaking spaces
            options = irrep.evaluate("el => Array.from(el.options, o => o.text)")
            options = [o.replace("\xa0", " ") for o in options]
            assert "1: k = 2π·(1/8) (dim 1)" in options, options
            irrep.select_option(index=options.index("1: k = 2π·(1/8) (dim 1)"))
            terms = page.locator(".nqx-terms")
            expect(terms).to_contain_text("0.707−0.707i")  # χ(t_1) = exp(-2πi/8)
            expect(terms).to_contain_text("−π/4")  # arg of a real ψ_θ times χ(t_1)
            # the table (8 classes) is wider than the controls column: the chosen irrep's
            # characters are shown, the whole table is folded below them
            row = page.locator(".nqx-character-row")
            expect(row).to_contain_text("Translation(1)10.707-0.707i")  # class, size, χ(t_1)
            expect(page.locator(".nqx-character-table")).to_be_hidden()
            page.locator(".nqx-character-details summary").click()
            expect(page.locator(".nqx-character-table")).to_be_visible()
            assert page.evaluate(CLIPPED_IN_PANEL, ".nqx-character-table") == []
            page.locator(".nqx-character-details summary").click()

            # -- click site 2 on the orbit view's canvas: its spin flips everywhere
            sites = _run_helper(page, 8)
            before = _sigma(page)
            canvas.scroll_into_view_if_needed()
            pixels_before = canvas.screenshot()
            box = canvas.bounding_box()
            x, y = sites[2]
            page.mouse.click(box["x"] + x, box["y"] + y)
            flipped = before[:2] + ("−" if before[2] == "+" else "+") + before[3:]
            expect(_widget_text(page, "orbit size")).to_contain_text(f"σ = {flipped}")
            page.wait_for_timeout(500)  # let ipympl paint the redrawn canvas
            assert canvas.screenshot() != pixels_before, "the canvas did not redraw"
            expect(
                page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
            ).to_have_count(1)
            page.locator(".widget-tab .lm-TabBar-tab", has_text="Lattice").click()
            page.locator(".jp-Cell").nth(1).scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            _keep_screenshot(page, screenshot_dir / "explorer-chain-k.png")

            # -- layout: complex χ and log ψ (the widest table) fit beside the configuration;
            # nothing is cut off, here or in a narrow window, where the gallery scales down
            assert page.evaluate(CLIPPED_IN_PANEL, ".nqx-terms") == []
            box = page.evaluate(TERMS_BOX)
            assert box["scroll"] <= box["client"], box
            # (a phone-sized window: the controls column is folded to give the views room)
            _fold_controls(page, True)
            page.set_viewport_size(NARROW_VIEWPORT)
            page.wait_for_function(f"() => ({GALLERY_CANVAS})().container < 700")
            gallery = page.evaluate(GALLERY_CANVAS)
            assert gallery["width"] <= gallery["container"] < gallery["own_width"], gallery
            assert gallery["width"] / gallery["height"] == pytest.approx(
                gallery["aspect"], rel=0.02
            )
            assert page.evaluate(CLIPPED_IN_PANEL, ".nqx-terms") == []
            assert page.evaluate(TERMS_BOX)["overflow"] == "auto"
            _fold_controls(page, False)

            # -- train: Play on the Train tab advances the step counter and draws the curve;
            # Pause is answered while training runs, and the counter stops
            page.set_viewport_size(VIEWPORT)
            page.locator(".widget-tab .lm-TabBar-tab", has_text="Train").click()
            counter = page.locator(".nqx-train-step")
            expect(counter).to_contain_text("step 0")
            curve = page.locator(".nqx-train-plot")
            expect(curve).to_be_visible()
            pixels_before = curve.screenshot()
            steps = page.locator(".nqx-train-steps input")
            steps.fill("0")  # until Pause
            steps.press("Enter")
            page.locator(".nqx-train-play").click()
            page.wait_for_function(TRAIN_STEPS_ABOVE, arg=5)
            page.wait_for_timeout(600)  # a publication of the curve (every 0.4 s)
            page.locator(".nqx-train-pause").click()
            expect(page.locator(".nqx-train-play")).to_be_enabled()
            stopped = counter.inner_text()
            page.wait_for_timeout(1000)
            assert counter.inner_text() == stopped, "training went on after Pause"
            assert curve.screenshot() != pixels_before, "the training curve was not drawn"
            _keep_screenshot(page, screenshot_dir / "explorer-train.png")

            # -- every tab fits the narrowest classroom layout
            _check_every_tab(page, screenshot_dir)

            # -- nothing went wrong on either side
            errors = _error_outputs(page)
            assert errors == [], "\n".join(errors)
        finally:
            browser.close()
    assert console_errors == []
