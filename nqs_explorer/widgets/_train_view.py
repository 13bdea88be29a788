"""The Train tab: train the ansatz live against the exact answer.

Training runs as an asyncio task on the kernel's event loop (`utils.BackgroundWork`), in
chunks of about `CHUNK_S` seconds sized by the measured step time, so a Pause click, a tab
switch or another view is answered between chunks. A few times per second
(`PUBLISH_S`) the trained parameters go to the session (``parameters`` trait bumped):
every view shows the trained model, and this view redraws its curves in place.

A new architecture, lattice, group, character, Hamiltonian kind, ``total_sz``, seed or
loaded parameters stop training and start afresh (history cleared); new coupling values
keep training with the new Hamiltonian (the curves continue; each step is compared with
the exact energies of the Hamiltonian it was trained with).
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets

from .. import compute, plot
from ..utils import BackgroundWork
from ._figure import LiveFigure
from ._state import AppState
from ._view import View, set_if_changed

#: Seconds of training per chunk (between two looks at the event loop).
CHUNK_S = 0.08
#: Least seconds between two publications of the parameters (and plot updates).
PUBLISH_S = 0.4
#: Default steps per Play (0: until Pause).
DEFAULT_STEPS = 200


class TrainView(View):
    """Optimizer, learning rate, SR, estimator, steps; Play / Pause / Step / Reset; live
    curves and a status line (step, steps per second, device).

    Attributes:
        trainer: the `compute.Trainer` (None while the setup has no Hamiltonian).
        work: the `utils.BackgroundWork` that runs training.
        handle: the `plot.TrainingHandle` of the curves.
        counter: ``HTML`` with the step count (CSS class ``nqx-train-step``).
        status: ``HTML`` with steps per second, device and the last energy.
    """

    source = "train"
    title = "Train"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.trainer: compute.Trainer | None = None
        self._settings = compute.TrainSettings()
        self._remaining = 0
        self._last_publish = 0.0
        self.publishes = 0
        self._precompiled = None  # the trainer's structure_version sent to precompile
        self._built = False  # precompile once shown (`set_active`), not while being built
        narrow = widgets.Layout(width="190px")
        self.optimizer = widgets.Dropdown(
            options=list(compute.TRAIN_OPTIMIZERS), description="optimizer", layout=narrow
        )
        self.learning_rate = widgets.BoundedFloatText(
            value=self._settings.learning_rate, min=1e-6, max=10.0, step=0.001,
            description="learning rate", layout=narrow,
        )  # fmt: skip
        self.sr = widgets.Checkbox(value=False, description="SR", indent=False)
        self.diag_shift = widgets.BoundedFloatText(
            value=self._settings.diag_shift, min=0.0, max=10.0, step=0.001,
            description="diag shift", layout=narrow,
        )  # fmt: skip
        self.estimator = widgets.ToggleButtons(
            options=list(compute.TRAIN_ESTIMATORS), description="estimator"
        )
        self.estimator.style.button_width = "80px"
        self.n_samples = widgets.BoundedIntText(
            value=self._settings.n_samples, min=16, max=1 << 16, description="samples",
            layout=narrow,
        )  # fmt: skip
        self.steps = widgets.BoundedIntText(
            value=DEFAULT_STEPS, min=0, max=10**7, description="steps (0: ∞)", layout=narrow
        )
        self.steps.add_class("nqx-train-steps")
        self.play_button = widgets.Button(description="Play", icon="play", button_style="success")
        self.pause_button = widgets.Button(description="Pause", icon="pause", disabled=True)
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        for button in (self.play_button, self.pause_button, self.step_button, self.reset_button):
            button.layout.width = "90px"
        self.state_path = widgets.Text(
            value="training_state.msgpack", description="training state",
            layout=widgets.Layout(width="300px"),
        )  # fmt: skip
        self.save_state_button = widgets.Button(description="save", icon="save")
        self.load_state_button = widgets.Button(description="load", icon="folder-open")
        self.upload_state = widgets.FileUpload(accept=".msgpack", description="upload")
        for button in (self.save_state_button, self.load_state_button):
            button.layout.width = "90px"
        self.play_button.add_class("nqx-train-play")
        self.pause_button.add_class("nqx-train-pause")
        self.counter = widgets.HTML()
        self.counter.add_class("nqx-train-step")
        self.status = widgets.HTML()
        # scaled down to the view's width in a narrow window
        self.figure = LiveFigure(figsize=(8.0, 5.0), interactive=False, fluid=True)
        self.figure.widget.add_class("nqx-train-plot")
        self.handle = plot.draw_training({"step": [], "energy": []}, fig=self.figure.figure)
        # a fixed layout: constrained layout would double the cost of every live redraw
        self.figure.figure.subplots_adjust(
            left=0.1, right=0.98, top=0.97, bottom=0.1, wspace=0.3, hspace=0.12
        )
        self._sector_label = None
        self.work = BackgroundWork(
            self._chunk,
            on_progress=self._progress,
            on_stop=self._stopped,
            progress_interval_s=PUBLISH_S,
            name="training",
        )
        for control, field in (
            (self.optimizer, "optimizer"),
            (self.learning_rate, "learning_rate"),
            (self.sr, "sr"),
            (self.diag_shift, "diag_shift"),
            (self.estimator, "estimator"),
            (self.n_samples, "n_samples"),
        ):
            self.on_value(control, lambda v, f=field: self.configure(**{f: v}), f"Set {field}")
        self.on_click(self.play_button, lambda: self.play() and None, "Play")
        self.on_click(self.pause_button, self.pause, "Pause")
        self.on_click(self.step_button, lambda: self.step(1), "Step")
        self.on_click(self.reset_button, self.reset, "Reset training")
        self.on_click(self.save_state_button, lambda: self.save_state(), "Save training state")
        self.on_click(self.load_state_button, lambda: self.load_state(), "Load training state")
        self.on_value(self.upload_state, self._uploaded_state, "Upload training state")
        self.redraw_on(["setup", "parameters"])
        self.root = widgets.VBox(
            [
                widgets.HBox([self.optimizer, self.learning_rate, self.steps]),
                widgets.HBox([self.sr, self.diag_shift, self.n_samples]),
                self.estimator,
                widgets.HBox(
                    [self.play_button, self.pause_button, self.step_button, self.reset_button]
                ),
                widgets.HBox([self.counter, self.status]),
                widgets.HBox(
                    [
                        self.state_path,
                        self.save_state_button,
                        self.load_state_button,
                        self.upload_state,
                    ]
                ),
                self.message,
                self.figure.widget,
            ]
        )
        self.sync()
        self._built = True

    # ------------------------------------------------------------------ state -> view
    def _ensure_trainer(self) -> compute.Trainer:
        if self.trainer is None:
            self.trainer = compute.Trainer(self.state.session, self._settings)
            # Play answers at once: a quickly compiled step runs while the optimised one
            # compiles in the background
            self.trainer.quick_start = True
        return self.trainer

    def _precompile(self) -> None:
        """Compile the step of the current setup and settings in the background as soon
        as they are known (while the tab is shown), so that Play finds it compiled."""
        t = self.trainer
        if t is None or not self._built or not self.active:
            return
        if self._precompiled == (t, t.structure_version):
            return
        self._precompiled = (t, t.structure_version)
        t.precompile()

    def set_active(self, active: bool) -> None:
        super().set_active(active)
        self._precompile()

    @property
    def running(self) -> bool:
        return self.work.running

    def sync(self) -> None:
        session = self.state.session
        if session.hamiltonian is None:
            self.pause()
            self.trainer = None
        elif self.trainer is not None and self.trainer.sync() == "restart":
            self.pause()  # a new model: training starts afresh, stopped
        with self.muted():
            s = self._settings
            set_if_changed(self.optimizer, s.optimizer)
            set_if_changed(self.learning_rate, s.learning_rate)
            set_if_changed(self.sr, s.sr)
            set_if_changed(self.diag_shift, s.diag_shift)
            set_if_changed(self.estimator, s.estimator)
            set_if_changed(self.n_samples, s.n_samples)
        self.diag_shift.disabled = not self._settings.sr
        self.n_samples.disabled = self._settings.estimator != "samples"
        self._draw()

    def _draw(self) -> None:
        trainer = self.trainer
        session = self.state.session
        n = session.hilbert.size
        small = n <= compute.FIDELITY_MAX_SITES
        if trainer is None and session.hamiltonian is not None and n <= compute.FULL_SUM_MAX_SITES:
            # cheap: its step compiles in the background (`_precompile`)
            trainer = self._ensure_trainer()
        if trainer is None or (not small and trainer.step_count == 0):
            # the exact energies of a large space wait for Play (its first chunk)
            history, exact, sector, label = {"step": [], "energy": []}, None, None, None
        else:
            ref = trainer.reference
            history, exact, sector, label = (
                trainer.history,
                ref.ground,
                ref.sector,
                ref.sector_label,
            )
        if label != self._sector_label:
            self._sector_label = label
            name = f"lowest in {label}" if label else "sector's lowest"
            self.handle.lines["sector"].set_label(name)
            self.handle.axes["energy"].legend(loc="upper right", fontsize="small")
        self.handle.update(history, exact, sector)
        self.figure.redraw()
        self._show_status()
        self._precompile()

    def _show_status(self) -> None:
        t = self.trainer
        running = self.work.running
        self.play_button.disabled = running
        self.pause_button.disabled = not running
        self.step_button.disabled = running
        if t is None:
            hint = "" if self.state.session.hamiltonian is not None else " · choose a Hamiltonian"
            self.counter.value = "<b>step 0</b>"
            self.status.value = f"<span style='color:#555'>not training{hint}</span>"
            return
        self.counter.value = f"<b>step {t.step_count}</b>"
        parts = ["running" if running else "stopped"]
        if not math.isnan(t.steps_per_second):
            parts.append(f"{t.steps_per_second:.0f} steps/s")
        if t.device:
            parts.append(t.device)
        if t.energy is not None:
            parts.append(f"E = {t.energy:.6f}")
            # a symmetrized model can only reach its sector's lowest energy: measure
            # against it; any other model against the ground state
            in_sector = self.state.setup.symmetrize and t.reference is not None
            err = t.history["rel_error_sector" if in_sector else "rel_error"][-1]
            if math.isfinite(err):
                versus = f"lowest E in {t.reference.sector_label}" if in_sector else "E₀"
                parts.append(f"rel. error {err:.2e} (vs {versus})")
        self.status.value = f"<span style='color:#555'> · {html.escape(' · '.join(parts))}</span>"

    # ------------------------------------------------------------------ actions
    def configure(self, **changes) -> None:
        """Change training settings (`compute.TrainSettings` fields)."""
        new = self._settings.replace(**changes)
        if self.trainer is not None:
            self.trainer.configure(**changes)
        self._settings = new
        self._precompile()
        self.diag_shift.disabled = not new.sr
        self.n_samples.disabled = new.estimator != "samples"

    def step(self, k: int = 1) -> None:
        """Run ``k`` steps now (blocking) and publish the parameters."""
        if self.work.running:
            raise ValueError("training is running; Pause first")
        trainer = self._ensure_trainer()
        trainer.step(int(k))
        self._publish()

    def play(self, steps: int | None = None):
        """Start training in the background (``steps``: default the steps box; 0: until
        Pause). Returns the asyncio task (None if it is already running)."""
        if self.work.running:
            return None
        self._ensure_trainer()
        steps = int(self.steps.value if steps is None else steps)
        if steps < 0:
            raise ValueError(f"steps must be >= 0 (0: until Pause), got {steps}")
        self._remaining = steps if steps > 0 else -1
        self._restarts = self.trainer.restarts
        task = self.work.start()
        self._show_status()
        return task

    def pause(self) -> None:
        """Stop training after the current chunk (the trained parameters stay)."""
        self.work.pause()

    def reset(self) -> None:
        """Stop, and go back to the parameters training started from (history cleared)."""
        self.work.pause()
        trainer = self._ensure_trainer()
        trainer.reset()
        self.state.parameters_changed()

    def save_state(self, path=None) -> None:
        """Write the training state (`compute.Trainer.save`) to ``path`` (default: the
        path box)."""
        path = self.state_path.value.strip() if path is None else path
        self._ensure_trainer().save(path)

    def load_state(self, path=None) -> None:
        """Stop, and resume from a training state file (`compute.Trainer.load`): its
        settings, parameters, optimizer state, PRNG key and history. A file over the
        size limit, of another setup or malformed raises ValueError and changes nothing."""
        path = self.state_path.value.strip() if path is None else path
        self._load(lambda trainer: trainer.load(path))

    def load_state_bytes(self, data: bytes) -> None:
        """`load_state` from the bytes of an uploaded file."""
        self._load(lambda trainer: trainer.from_bytes(bytes(data)))

    def _load(self, read) -> None:
        if self.work.running:
            raise ValueError("training is running; Pause first")
        trainer = self._ensure_trainer()
        read(trainer)
        self._settings = trainer.settings
        self._publish()  # every view shows the loaded parameters
        self.sync()

    def _uploaded_state(self, files) -> None:
        if files:
            self.load_state_bytes(files[0]["content"])

    # ------------------------------------------------------------------ background
    def _chunk(self) -> bool:
        trainer = self.trainer
        if trainer is None or trainer.sync() == "restart" or trainer.restarts != self._restarts:
            return False  # the model changed under us: stop
        limit = self._remaining if self._remaining > 0 else 10**9
        done = trainer.run_for(CHUNK_S, limit)
        if self._remaining > 0:
            self._remaining -= done
            return self._remaining > 0
        return True

    def _publish(self) -> None:
        trainer = self.trainer
        if trainer is not None and trainer.publish():
            self.publishes += 1
            self.state.parameters_changed()  # this view redraws through its sync
        else:
            self._show_status()

    def _progress(self) -> None:
        self.state.run(self.source, None, self._publish)

    def _stopped(self, final: str) -> None:
        if final == "failed" and self.work.error is not None:
            self.state.report(self.source, self.work.error)
        self._show_status()
