"""The user's cwbsim data folder: indexes and registers a user builds or downloads.

Data a user builds (the postcode index, a Companies House index, a supplier
register, saved scenarios) lives here, never inside the installed package. The
folder is ``$CWBSIM_DATA_DIR`` if set, else the platform's user data folder
(``platformdirs.user_data_dir("cwbsim")``, e.g. ``~/.local/share/cwbsim`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from cwbsim.model.errors import InputError


def data_dir() -> Path:
    """The data folder, created if missing.

    Raises
    ------
    InputError
        If the folder cannot be created (a path under a file, no permission).
    """
    folder = Path(os.environ.get("CWBSIM_DATA_DIR") or platformdirs.user_data_dir("cwbsim"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"{folder}: cannot create the cwbsim data folder ({error.strerror}); set "
            "CWBSIM_DATA_DIR to a writable folder"
        ) from None
    return folder
