"""Small parts the app's views share: the area picker, file picking, upload checks, temporary folders, messages."""

from __future__ import annotations

import html
import shutil
import tempfile
import threading
import typing
from pathlib import Path

import solara
import traitlets
from solara.components.file_drop import FileDropZone

from cwbsim.model.errors import InputError
from cwbsim.viz.uploads import Upload, check_upload


def safe(text: str) -> str:
    """User text (a scenario's name) made inert in Markdown and in Vue templates."""
    return html.escape(str(text)).replace("{", "&#123;").replace("}", "&#125;")


def task_message(error: BaseException | None) -> str:
    """A failed task's message: an input error's own line, anything else by its repr."""
    return str(error) if isinstance(error, InputError) else repr(error)


def read_bytes(path: Path) -> bytes:
    """A file's bytes (for a download button, read when clicked)."""
    return Path(path).read_bytes()


def use_temp_folder(prefix: str) -> Path:
    """A temporary folder for one mounted view, removed when the view goes."""
    folder = solara.use_memo(lambda: Path(tempfile.mkdtemp(prefix=prefix)), [])
    solara.use_effect(lambda: lambda: shutil.rmtree(folder, ignore_errors=True), [])
    return folder


def area_picker(names: list[str], shown: str, on_value: typing.Callable[[str], None]) -> None:
    """A select of the areas the model records, showing ``shown``; nothing for a single area."""
    if len(names) > 1:
        solara.Select(
            "Area", values=names, value=shown, on_value=on_value, classes=["cwb-area-select"]
        )


class FilePickZone(FileDropZone):
    """Solara's lazy drop zone with a file picker: the browser sends bytes only when asked."""

    template_file = (__file__, "file_pick.vue")
    accept = traitlets.Unicode(".csv,.xlsx").tag(sync=True)


@solara.component
def FilePick(label: str, accept: str, on_file: typing.Callable[[dict], None]):
    """A drop zone with a "Choose file" button; ``on_file`` gets name, size and a lazy file object.

    ``on_file`` runs in a thread (reading the lazy file object waits for the browser).
    """
    info, set_info = solara.use_state(None)
    wired, set_wired = solara.use_state(None)
    zone = FilePickZone.element(label=label, accept=accept, on_file_info=set_info, multiple=False)

    def wire():
        if not info:
            return
        real = typing.cast(FilePickZone, solara.get_widget(zone))
        real.version += 1
        real.reset_stats()
        set_wired(real.get_files())

    def deliver(cancel: threading.Event):
        if wired:
            on_file(wired[0])

    solara.use_effect(wire, [info])
    solara.use_thread(deliver, [wired])
    return zone


def upload_receiver(
    types: tuple[str, ...],
    report: typing.Callable[[str | None], None],
    use: typing.Callable[[typing.Any], None],
    convert: typing.Callable[[Upload], typing.Any] = lambda upload: upload,
) -> typing.Callable[[dict], None]:
    """``on_file`` for :func:`FilePick`: check the upload, ``convert`` it, then ``use`` it.

    ``report`` gets the one-line message of what went wrong (the checks of
    :func:`check_upload`, an :class:`InputError` from ``convert``, or a
    transfer that broke off, which must not reach the server log), or ``None``
    once the upload is good, before ``use`` sees it.
    """

    def on_file(file: dict) -> None:
        try:
            value = convert(check_upload(file["name"], int(file["size"]), file["file_obj"], types))
        except InputError as problem:
            report(str(problem))
            return
        except Exception as problem:
            report(
                f"{file.get('name', 'upload')}: upload failed ({type(problem).__name__}: {problem})"
            )
            return
        report(None)
        use(value)

    return on_file
