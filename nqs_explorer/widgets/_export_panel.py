"""Export panel: the Python that rebuilds the model, and saving/loading parameters and setups."""

from __future__ import annotations

import ipywidgets as widgets

from . import _save_load
from ._codegen import model_script
from ._state import AppState
from ._view import View

_PATH = widgets.Layout(width="300px")


class ExportPanel(View):
    """Code view plus save/load of parameters (msgpack/JSON) and of the explorer setup (JSON).

    Attributes:
        code: ``Textarea`` with a runnable script that rebuilds the current model.
        params_path, save_params, load_params, upload_params: parameter file controls.
        setup_path, save_setup, load_setup, upload_setup: setup file controls.
    """

    source = "export"
    title = "Export"

    def __init__(self, state: AppState | None = None):
        super().__init__(state)
        self.code = widgets.Textarea(rows=22, layout=widgets.Layout(width="auto"))
        self.code.add_class("nqx-code")
        self.params_path = widgets.Text(
            value="params.msgpack", description="parameters", layout=_PATH
        )
        self.save_params = widgets.Button(description="save", icon="save")
        self.load_params = widgets.Button(description="load", icon="folder-open")
        self.upload_params = widgets.FileUpload(
            accept=".msgpack,.mpack,.json", description="upload"
        )
        self.setup_path = widgets.Text(
            value="explorer_setup.json", description="setup", layout=_PATH
        )
        self.save_setup = widgets.Button(description="save", icon="save")
        self.load_setup = widgets.Button(description="load", icon="folder-open")
        self.upload_setup = widgets.FileUpload(accept=".json", description="upload")
        self.on_click(
            self.save_params,
            lambda: self._do(_save_load.save_parameters, self.params_path),
            "Save parameters",
        )
        self.on_click(
            self.load_params,
            lambda: self._do(_save_load.load_parameters, self.params_path),
            "Load parameters",
        )
        self.on_click(
            self.save_setup, lambda: self._do(_save_load.save_setup, self.setup_path), "Save setup"
        )
        self.on_click(
            self.load_setup, lambda: self._do(_save_load.load_setup, self.setup_path), "Load setup"
        )
        self.on_value(self.upload_params, self._uploaded_params, "Upload parameters")
        self.on_value(self.upload_setup, self._uploaded_setup, "Upload setup")
        self.redraw_on(["setup", "parameters", "configuration"])
        self.root = widgets.VBox(
            [
                widgets.HBox(
                    [self.params_path, self.save_params, self.load_params, self.upload_params]
                ),
                widgets.HBox(
                    [self.setup_path, self.save_setup, self.load_setup, self.upload_setup]
                ),
                self.message,
                widgets.HTML(
                    "<style>.nqx-code textarea{font-family:monospace;font-size:12px}</style>"
                    "<b>Python that rebuilds this model outside the explorer:</b>"
                ),
                self.code,
            ]
        )
        self.sync()

    def _do(self, action, path_control) -> bool:
        ok = action(self.state, path_control.value.strip(), self.source)
        if ok:
            self.sync()  # a saved parameter file: the script now loads it
        return ok

    def _uploaded_params(self, files) -> bool:
        if not files:
            return True
        upload = files[0]
        return _save_load.load_parameters_bytes(
            self.state, upload["name"], upload["content"], self.source
        )

    def _uploaded_setup(self, files) -> bool:
        if not files:
            return True
        # bytes: the reader checks the size before decoding and refuses what is not UTF-8
        return _save_load.load_setup_text(self.state, files[0]["content"], self.source)

    def sync(self) -> None:
        self.code.value = model_script(
            self.state.session, self.state.configuration, self.state.parameters_path
        )
