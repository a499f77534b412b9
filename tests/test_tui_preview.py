"""The preview reads only the library's own files, and at most PREVIEW_MAX_BYTES; a bigger
file gets no preview and a line saying why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from textual_image.widget import Image

from r2tui.demo import DemoPlan, seed
from r2tui.sample import content_for
from r2tui.settings import Settings
from r2tui.tui.app import build_app
from r2tui.tui.preview import PREVIEW_MAX_BYTES
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.local_tree import LocalTree
from tests.support.servers import S3Proxy
from tests.test_tui_helpers import as_text, drive, expand, highlight

FOLDER = "photos/workout/"  # cards: previewed


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-pre")
    return settings, seed(settings, 0.02)


def note(app: Any) -> str:
    shown = app.main.query_one("#preview-note", Static)
    return as_text(shown.content) if shown.display else ""


def test_a_symlink_out_of_the_library_is_never_previewed(
    seeded: Any, tmp_path: Path
) -> None:
    settings, _ = seeded
    outside = tmp_path / "private" / "secret.png"
    outside.parent.mkdir()
    outside.write_bytes(content_for("secret.png"))  # a real, readable image
    (settings.local_root / FOLDER / "leak.png").symlink_to(outside)
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        local = app.main.query_one(LocalTree)
        await expand(pilot, local, "photos/", FOLDER)
        await highlight(pilot, local, FOLDER + "leak.png")
        preview = app.main.query_one("#preview", Image)
        assert not preview.display and preview.image is None
        details = as_text(app.main.query_one("#details-text").content)
        assert "local twin none" in " ".join(details.split())

    drive(app, scenario)


def test_files_over_the_limit_get_no_preview_and_a_reason(
    seeded: Any, admin: Any, proxy: S3Proxy
) -> None:
    settings, _ = seeded
    big = b"\x89PNG" + bytes(PREVIEW_MAX_BYTES)  # 4 bytes over the limit
    (settings.local_root / FOLDER / "big local.png").write_bytes(big)
    admin.put_object(Bucket=settings.bucket, Key=FOLDER + "big remote.png", Body=big)
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        local = app.main.query_one(LocalTree)
        await expand(pilot, local, "photos/", FOLDER)
        await highlight(pilot, local, FOLDER + "big local.png")
        assert note(app).startswith(f"no preview: the file is 4.19 MB ({len(big):,} bytes), "
                                    f"over the {PREVIEW_MAX_BYTES:,} bytes a preview reads")
        assert not app.main.query_one("#preview", Image).display
        bucket = app.main.query_one(BucketTree)
        await expand(pilot, bucket, "photos/", FOLDER)
        proxy.clear()
        await highlight(pilot, bucket, FOLDER + "big remote.png")
        assert note(app).startswith(f"no preview: the file is 4.19 MB ({len(big):,} bytes)")
        # The preview reads none of it; the media facts only its header, by one ranged GET.
        gets = [r for r in proxy.requests if r.operation == "GetObject"]
        assert len(gets) <= 1 and all(r.headers.get("range") for r in gets)
        assert sum(r.response_bytes for r in gets) <= 256 * 1024
        await highlight(pilot, bucket, FOLDER + "workout_0001.png")
        assert app.main.query_one("#preview", Image).display and note(app) == ""

    drive(app, scenario)
