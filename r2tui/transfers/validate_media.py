"""Media validation: every local video and image read (its first frames, or every frame when
``deep``), the bucket's media with no local twin by header reads, and the problems by key."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.inventory import RemoteObject
from r2tui.keys import TRASH_PREFIX
from r2tui.media import MediaFacts, media_kind
from r2tui.media_cache import MediaCache
from r2tui.media_problems import MediaProblem, judge
from r2tui.scan import LocalLibrary
from r2tui.storage import S3Client, describe
from r2tui.transfers.resources import Resources


@dataclass
class MediaValidation:
    """What was read and what is wrong, by key."""

    checked: int = 0  # local videos and images
    remote_checked: int = 0  # bucket objects read by their header
    facts: dict[str, MediaFacts] = field(default_factory=dict)
    problems: list[MediaProblem] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # key or path -> why
    ranged_gets: int = 0
    bytes_fetched: int = 0

    @property
    def ok(self) -> bool:
        return not (self.problems or self.unreadable)

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "checked": self.checked, "remote_checked": self.remote_checked,
            "problems": [p.to_json() for p in self.problems], "unreadable": self.unreadable,
            "ranged_gets": self.ranged_gets, "bytes_fetched": self.bytes_fetched,
        }


def validate_media(
    res: Resources, media: MediaCache, local: LocalLibrary, *, deep: bool = False,
    remote: Sequence[RemoteObject] = (), client: S3Client | None = None,
) -> MediaValidation:
    """Read the media of ``local`` and those of ``remote`` with no local twin (through
    ``client``, needed when ``remote`` has any), and sort out their problems."""
    result = MediaValidation()
    files = [f for key, f in sorted(local.files.items()) if media_kind(key) is not None]
    for key, got in media.local_all(files, deep=deep).items():
        if isinstance(got, OSError):
            result.unreadable[key] = f"cannot read {local.files[key].path}: {got.strerror or got}"
        else:
            result.facts[key] = got
    result.checked = len(files)
    before = (media.gets, media.bytes_fetched)
    bucket_only = sorted(o.key for o in remote if o.key not in local.files
                         and not o.key.startswith(TRASH_PREFIX) and media_kind(o.key) is not None)
    if bucket_only:
        assert client is not None
        records = res.store.upload_records(res.bucket)
        etags = {o.key: o.etag for o in remote}

        def read_remote(key: str) -> MediaFacts | str:
            record = records.get(key)
            sha256 = record.sha256 if record and record.etag == etags.get(key) else None
            try:
                return media.remote(client, res.bucket, key, sha256=sha256)
            except (ClientError, BotoCoreError) as exc:
                return f"cannot read the object: {describe(exc, res.settings, key=key)}"

        with ThreadPoolExecutor(res.settings.workers) as pool:  # requests: as uploads
            for key, got in zip(bucket_only, pool.map(read_remote, bucket_only), strict=True):
                if isinstance(got, str):
                    result.unreadable[key] = got
                else:
                    result.facts[key] = got
        result.remote_checked = len(bucket_only)
    result.ranged_gets = media.gets - before[0]
    result.bytes_fetched = media.bytes_fetched - before[1]
    result.problems = judge(result.facts, res.settings.layout)
    for issue in local.issues:
        result.unreadable[issue.path] = issue.problem
    return result

