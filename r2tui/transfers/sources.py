"""Where a content to upload is already stored: the copy sources of a plan, and the renames.

Evidence, strongest first: r2tui's upload records and synced local files (SHA-256), hints
(an import's), then the listing of objects with no local twin (size and ETag: an MD5 for one
part, or a multipart ETag at r2tui's part size). Every source is checked with a HEAD again
before it is copied from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from r2tui.compare import State
from r2tui.scan import LocalFile
from r2tui.transfers.events import Action
from r2tui.transfers.resources import Resources


def overwritten(states: Mapping[str, State], key: str) -> bool:
    """Is ``key``'s object about to change (so no source to copy from)? Missing or changed."""
    return states.get(key) in (State.MISSING, State.CHANGED)


def content_index(
    res: Resources, files: dict[str, LocalFile], states: Mapping[str, State]
) -> dict[str, str]:
    """SHA-256 -> a key whose object holds that content (checked again before copying).

    Upload records first, then synced local files (stronger evidence wins the slot). Keys about
    to be overwritten are not sources.
    """
    index: dict[str, str] = {}
    for record in res.store.upload_records(res.bucket).values():
        if not overwritten(states, record.key) and record.size > 0:
            index[record.sha256] = record.key
    synced: dict[str, str] = {}
    for key in sorted(files):
        file = files[key]
        if key in states or file.size == 0:
            continue
        digests = file.digests or res.hasher.cached(file)
        if digests is not None:
            synced.setdefault(digests.sha256, key)
    return index | synced


def listing_index(
    states: Mapping[str, State], etags: Mapping[str, str], sizes: Mapping[str, int]
) -> dict[tuple[int, str], str]:
    """(size, ETag) -> an object with no local twin: its listing tells its content when the
    ETag is an MD5 (one part) or a multipart ETag at r2tui's part size, without a HEAD."""
    index: dict[tuple[int, str], str] = {}
    for key in sorted(k for k, s in states.items() if s is State.EXTRA):
        size, etag = sizes.get(key), etags.get(key)
        if size and etag:
            index.setdefault((size, etag), key)
    return index


@dataclass
class Sources:
    """Where each content to send is already stored, and which of those places move."""

    by_sha: dict[str, str]  # SHA-256 -> key (records, synced files, hints)
    by_etag: dict[tuple[int, str], str]  # (size, ETag) -> key with no local twin
    states: Mapping[str, State]
    renames: bool
    moved: dict[str, str] = field(default_factory=dict)  # renamed source -> its new key

    def find(self, file: LocalFile) -> str | None:
        digests = file.digests
        if digests is None or file.size == 0:
            return None
        found = self.by_sha.get(digests.sha256)
        for etag in (digests.md5, digests.mpu_etag):
            if found is None and etag is not None:
                found = self.by_etag.get((file.size, etag))
        return found

    def action_for(self, key: str, source: str) -> tuple[Action, str]:
        """A rename takes an object with no local twin once; later copies of that content
        come from its new key (they wait for it)."""
        if source in self.moved:
            return Action.COPY, self.moved[source]
        if self.renames and self.states.get(source) is State.EXTRA:
            self.moved[source] = key
            return Action.RENAME, source
        return Action.COPY, source


