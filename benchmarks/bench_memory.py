"""Memory of a kernel running the explorer: what a Binder session (1–2 GB) has to hold.

Each figure is the peak resident set size (``VmHWM``) of a fresh Python process after
a step of a typical session: importing the package, opening the app, visiting every view
(orbit, autoregressive with samples, parameters, checks with exact enumeration) and
switching through every architecture. The process uses the Agg backend, as ipympl does
for its renders; a Jupyter kernel adds its own ~60 MB.

    python benchmarks/run.py --only memory
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

#: Defines ``peak_mib()`` in a child process.
PEAK_MIB = r"""
import json, os, resource, sys
os.environ["MPLBACKEND"] = "Agg"

def peak_mib():
    # VmHWM: this process image's own peak. ru_maxrss would also count the parent's
    # memory at fork time (Linux keeps it across exec), i.e. the benchmark runner's.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
"""

SCRIPT = (
    PEAK_MIB
    + r"""
steps = {}
import nqs_explorer as nqx
steps["import"] = peak_mib()
from nqs_explorer.compute import Setup
from nqs_explorer.compute import ARCHITECTURES
app = nqx.Explorer()
steps["app"] = peak_mib()
for index in range(len(app.main_views)):
    app.views.selected_index = index
app.checks.run()
steps["views"] = peak_mib()
ar = nqx.Explorer(Setup(group=None, architecture="FastARNNConv2D"))
ar.views.selected_index = 1
ar.autoregressive.draw.click()
ar.autoregressive.normalize.click()
ar.checks.run()
steps["autoregressive"] = peak_mib()
for name in ARCHITECTURES:
    app.state.update("model", architecture=name, hyperparameters={})
steps["architectures"] = peak_mib()
errors = [m.text for m in list(app.state.messages.values()) + list(ar.state.messages.values())
          if m.level == "error"]
print(json.dumps({"steps": steps, "errors": errors}))
"""
)

STEPS = {
    "import": "after import nqs_explorer",
    "app": "after opening the explorer (Square 3x3, RBM)",
    "views": "after visiting every view and running the checks",
    "autoregressive": "after a FastARNNConv2D explorer, its samples and exact checks",
    "architectures": "after building every architecture of the registry",
}


def _netket_import_mib() -> float | None:
    code = PEAK_MIB + "import netket\nprint(peak_mib())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    return float(done.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    """Peak resident memory (MiB) of one process through the steps of a session."""
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"the session showed errors: {result['errors']}")
    netket_import = _netket_import_mib()
    return [
        dict(
            name=f"peak memory {STEPS[step]}",
            value=mib,
            unit="MiB",
            netket=netket_import if step == "import" else None,
            better="lower",
            notes="peak RSS (VmHWM) of one fresh process; Binder gives 1–2 GB"
            + ("; NetKet: import netket" if step == "import" else ""),
        )
        for step, mib in result["steps"].items()
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['value']:8.0f} MiB  {row['name']}")
