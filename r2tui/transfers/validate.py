"""Validation: local files against the bucket by size and SHA-256; ``deep`` reads objects back."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.compare import Report, State
from r2tui.scan import LocalLibrary
from r2tui.storage import S3Client, describe, make_client
from r2tui.transfers.resources import Resources

CHUNK = 1024 * 1024


@dataclass
class Validation:
    """Keys by problem; ``checked`` counts the local files looked at."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    mismatched: dict[str, str] = field(default_factory=dict)  # deep: key -> what differs
    unreadable: dict[str, str] = field(default_factory=dict)
    deep_read: int = 0

    @property
    def ok(self) -> bool:
        return not (self.missing or self.changed or self.unverified or self.mismatched
                    or self.unreadable)

    def to_json(self) -> dict:
        return {
            "ok": self.ok, "checked": self.checked, "deep_read": self.deep_read,
            "missing": self.missing, "changed": self.changed, "unverified": self.unverified,
            "mismatched": self.mismatched, "unreadable": self.unreadable,
        }


def validate(
    res: Resources, report: Report, local: LocalLibrary, *, deep: bool = False
) -> Validation:
    """Sort the keys of ``report`` (made from the scan ``local``) by problem; ``deep`` reads
    the stored ones back with ``res``'s client (or a new one)."""
    states = {k: s for c in report.all_reports for k, s in c.problems.items()}
    result = Validation(checked=len(local.files))
    for issue in report.local_issues:
        result.unreadable[issue.path] = issue.problem
    for key in sorted(local.files):
        state = states.get(key)
        if state is State.MISSING:
            result.missing.append(key)
        elif state is State.CHANGED:
            result.changed.append(key)
        elif state is State.UNVERIFIED and not deep:
            result.unverified.append(key)
    if deep:
        stored = sorted(k for k in local.files if states.get(k) in (None, State.UNVERIFIED))
        result.deep_read = len(stored)
        result.mismatched = read_back(res, res.client or make_client(res.settings), local,
                                      stored)
    return result


def read_back(
    res: Resources, client: S3Client, local: LocalLibrary, keys: list[str]
) -> dict[str, str]:
    """Stream each object, hash it, and compare with the local file: key -> what differs."""

    def check(key: str) -> str | None:
        file = local.files[key]
        try:
            expected = res.hasher.digests(file).sha256
        except OSError as exc:
            return f"cannot read the local file: {exc.strerror or exc}"
        sha = hashlib.sha256()
        got = 0
        try:
            body = client.get_object(Bucket=res.bucket, Key=key)["Body"]
            for chunk in body.iter_chunks(CHUNK):
                sha.update(chunk)
                got += len(chunk)
        except (ClientError, BotoCoreError) as exc:
            return f"cannot read the object back: {describe(exc, res.settings, key=key)}"
        if got != file.size:
            return f"the object has {got} bytes, the local file {file.size}"
        if sha.hexdigest() != expected:
            return f"the object's SHA-256 is {sha.hexdigest()}, the local file's {expected}"
        return None

    with ThreadPoolExecutor(res.settings.workers) as pool:
        found = zip(keys, pool.map(check, keys), strict=True)
        return {key: problem for key, problem in found if problem is not None}
