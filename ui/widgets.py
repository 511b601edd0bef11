"""Small shared components: headings and paragraphs as block elements, downloads."""

from __future__ import annotations

from typing import Any

import solara

HEADING_STYLE = {"font-weight": "600", "font-size": "15px", "margin": "0 0 10px 0"}
PARA_STYLE = {"font-size": "13px", "margin": "0 0 4px 0"}


@solara.component
def Heading(text: str, classes: list[str] = []):  # noqa: B006 - solara convention
    return solara.Div(children=[text], style=HEADING_STYLE, classes=classes)


@solara.component
def Para(text: str, style: dict | None = None, classes: list[str] = []):  # noqa: B006
    return solara.Div(children=[text], style={**PARA_STYLE, **(style or {})}, classes=classes)


class _Latest:
    """A callable returning the latest data; the same object across renders, so the
    download button does not restart its loader thread every time the data changes."""

    def __init__(self) -> None:
        self.value: Any = b""

    def __call__(self) -> Any:
        return self.value


class LazyData:
    """A download's data computed only when its button is clicked (the same object
    across renders, so the button keeps its state); set `make` on every render."""

    def __init__(self) -> None:
        self.make: Any = lambda: b""

    def __call__(self) -> Any:
        return self.make()


@solara.component
def Download(
    data: str | bytes, filename: str, label: str, mime_type: str = "application/octet-stream"
):
    """A download button; the data is only sent to the browser when it is clicked."""
    latest = solara.use_memo(_Latest, [])
    latest.value = data
    return solara.FileDownload(
        latest, filename=filename, label=label, icon_name="mdi-download", mime_type=mime_type
    )
