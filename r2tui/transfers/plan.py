"""What an upload run will do, decided before any byte is sent: upload, copy or skip per key."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from r2tui.compare import Report, State
from r2tui.costs import Prices, UploadCost, upload_cost
from r2tui.digests import multipart_threshold, part_size_for
from r2tui.media import media_kind
from r2tui.media_cache import MediaCache
from r2tui.media_problems import refusal
from r2tui.scan import Hasher, LocalFile, LocalLibrary
from r2tui.transfers.copy import MAX_COPY_SIZE
from r2tui.transfers.events import Action
from r2tui.transfers.resources import Resources
from r2tui.transfers.sources import Sources, content_index, listing_index, overwritten

# Smaller files are hashed one after the other: for them the hasher's thread pool costs more
# (futures, GIL and lock hand-offs) than the hashing; hashlib runs bigger ones in parallel.
PARALLEL_HASH_SIZE = 1024 * 1024
# Files whose media facts are read at a time while planning: a pool's future per file.
MEDIA_BATCH = 256
# Big files handed to the hasher at a time: its pool holds a future per file.
HASH_BATCH = 1000


@dataclass(frozen=True, slots=True)
class PlanItem:
    key: str
    path: Path | None
    size: int
    action: Action
    source_key: str | None = None  # for COPY: the key that already holds this content
    reason: str = ""  # why: "missing", "changed", "already stored", ...
    # The ETag of the object this write replaces, as planning saw it: the write goes ahead only
    # if it is still there (None: not known then, it is read just before the write).
    etag: str | None = None


@dataclass
class UploadPlan:
    items: list[PlanItem]
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (key, same content as)
    unreadable: dict[str, str] = field(default_factory=dict)  # key -> why it cannot be read
    conflicts: dict[str, str] = field(default_factory=dict)  # key -> why it is not overwritten
    refused: dict[str, str] = field(default_factory=dict)  # key -> why it is not sent (media)
    stored_bytes: int = 0  # what the bucket holds before the upload (for the storage cost)

    @property
    def uploads(self) -> int:
        return sum(1 for i in self.items if i.action is Action.UPLOAD)

    @property
    def copies(self) -> int:
        """Server-side copies, renames included."""
        return sum(1 for i in self.items if i.action in (Action.COPY, Action.RENAME))

    @property
    def renames(self) -> int:
        return sum(1 for i in self.items if i.action is Action.RENAME)

    @property
    def skips(self) -> int:
        return sum(1 for i in self.items if i.action is Action.SKIP)

    @property
    def bytes_to_send(self) -> int:
        return sum(i.size for i in self.items if i.action is Action.UPLOAD)

    @property
    def added_bytes(self) -> int:
        """Bytes of the new objects; a replaced object is counted as the same size as before."""
        return sum(
            i.size for i in self.items
            if i.action is not Action.SKIP and i.reason == State.MISSING.value
        )

    @property
    def class_a_ops(self) -> int:
        """Billed write operations, estimated: PUT or create + parts + complete; copies alike."""
        return sum(_class_a(i) for i in self.items)

    def cost(self, prices: Prices) -> UploadCost:
        return upload_cost(prices, self.stored_bytes, self.class_a_ops, self.added_bytes)


def _class_a(item: PlanItem) -> int:
    if item.action is Action.SKIP:
        return 0
    limit = multipart_threshold() if item.action is Action.UPLOAD else MAX_COPY_SIZE + 1
    writes = 1 if item.size < limit else 2 + -(-item.size // part_size_for(item.size))
    # A rename copies the old object into the trash too (the deletion after is free).
    return writes * 2 if item.action is Action.RENAME else writes


def plan_uploads(
    res: Resources, report: Report, local: LocalLibrary, keys: Iterable[str] | None = None,
    *, renames: bool = False, media: MediaCache | None = None,
) -> UploadPlan:
    """Plan the upload of ``keys`` (None: everything missing or changed) after ``report``,
    made from the scan ``local``.

    Hashes the files to send (through the hash cache), so that content already stored under
    another key is copied server-side instead of sent again; with ``renames``, a copy from an
    object with no local twin moves it (the old key goes to the trash). With ``media``, the
    videos and images to send that are corrupt or truncated are refused (``plan.refused``).
    """
    return plan_states(res, local, keys, states_of(report), report.totals.remote_bytes,
                       etags=etags_of(report), sizes=sizes_of(report), renames=renames,
                       media=media)


def plan_states(
    res: Resources,
    local: LocalLibrary,
    keys: Iterable[str] | None,
    states: Mapping[str, State],
    stored_bytes: int,
    *,
    etags: Mapping[str, str] | None = None,
    sizes: Mapping[str, int] | None = None,
    renames: bool = False,
    media: MediaCache | None = None,
) -> UploadPlan:
    """Plan ``keys`` against ``states`` (every key not synced, with its state), ``etags`` and
    ``sizes`` (the bucket's, for them) instead of a report: what a UI passes from a snapshot
    it took, so that the plan is computed on other threads from data nobody changes meanwhile."""
    wanted = sorted(local.files) if keys is None else _normalised(keys)
    plan = build_plan(res, local.files, states, wanted, list_skips=keys is not None,
                      etags=etags, sizes=sizes, renames=renames, media=media)
    plan.stored_bytes = stored_bytes
    return plan


def states_of(report: Report) -> dict[str, State]:
    """Every key the report found not synced, with its state."""
    return {k: s for c in report.all_reports for k, s in c.problems.items()}


def etags_of(report: Report) -> dict[str, str]:
    """The listing's ETag of every key not synced that the bucket holds."""
    return {k: e for c in report.all_reports for k, e in c.etags.items()}


def sizes_of(report: Report) -> dict[str, int]:
    """The listing's size of every key not synced that the bucket holds."""
    return {k: n for c in report.all_reports for k, n in c.sizes.items()}


def build_plan(
    res: Resources,
    files: dict[str, LocalFile],
    states: Mapping[str, State],
    wanted: list[str],
    *,
    list_skips: bool,
    hints: dict[str, str] | None = None,
    etags: Mapping[str, str] | None = None,
    sizes: Mapping[str, int] | None = None,
    renames: bool = False,
    media: MediaCache | None = None,
) -> UploadPlan:
    """Send the ``wanted`` keys that are missing or changed; ``list_skips`` lists the others.

    ``hints`` (SHA-256 -> key) are the weakest evidence of where a content may already be
    stored; like every copy source they are checked with a HEAD before they are used. With
    ``media``, a video or image to send that is corrupt or truncated is refused instead.
    """
    items: list[PlanItem] = []
    to_send: list[LocalFile] = []  # in key order, as ``wanted`` is
    for key in wanted:
        file = files.get(key)
        state = states.get(key, State.SYNCED)
        if file is not None and state in (State.MISSING, State.CHANGED):
            to_send.append(file)
        elif list_skips:
            items.append(PlanItem(key, file.path if file else None, file.size if file else 0,
                                  Action.SKIP, reason=_skip_reason(file, state)))
    plan = UploadPlan(items)
    plan.unreadable = _hash(res.hasher, to_send if hints else
                            _copyable(res, files, states, to_send, sizes or {}))
    if media is not None:
        plan.refused = _media_refusals(media, to_send, plan.unreadable)
        to_send = [f for f in to_send if f.key not in plan.refused]
    weak = {sha: key for sha, key in (hints or {}).items() if not overwritten(states, key)}
    index = weak | content_index(res, files, states)
    sources = Sources(index, listing_index(states, etags or {}, sizes or {}), states, renames)
    _add_sends(plan, to_send, states, sources, etags or {})
    if list_skips:
        plan.items.sort(key=lambda i: i.key)
    return plan


def _normalised(keys: Iterable[str]) -> list[str]:
    return sorted({unicodedata.normalize("NFC", k) for k in keys})


def _skip_reason(file: LocalFile | None, state: State) -> str:
    if file is None:
        return "not in the local library"
    if state is State.UNVERIFIED:
        return "unverified: same size, content not provable without a download"
    return "already stored"


def _copyable(
    res: Resources, files: Mapping[str, LocalFile], states: Mapping[str, State],
    to_send: list[LocalFile], sizes: Mapping[str, int],
) -> list[LocalFile]:
    """The files to hash while planning: those whose content may be stored already.

    A copy source holds the same bytes, so it has the same size: a big file whose size no
    upload record, synced file, listed object or other file to send has is sent whatever its
    hash, and its job hashes it (one big file at a time, while the ones before it are sent).
    """
    big = [f for f in to_send if f.size >= multipart_threshold()]
    if not big:
        return to_send
    sending = Counter(f.size for f in to_send)
    known = {r.size for r in res.store.upload_records(res.bucket).values()}
    known |= {f.size for key, f in files.items() if key not in states}
    known |= set(sizes.values())
    return [f for f in to_send
            if f.size < multipart_threshold() or f.size in known or sending[f.size] > 1]


def _hash(hasher: Hasher, files: list[LocalFile]) -> dict[str, str]:
    unreadable: dict[str, str] = {}

    def failed(file: LocalFile, exc: OSError) -> None:
        unreadable[file.key] = f"cannot read {file.path}: {exc.strerror or exc}"

    for file in files:
        if file.size < PARALLEL_HASH_SIZE:
            try:
                hasher.digests(file)
            except OSError as exc:
                failed(file, exc)
    big = [f for f in files if f.size >= PARALLEL_HASH_SIZE]
    for start in range(0, len(big), HASH_BATCH):
        hasher.digest_all(big[start:start + HASH_BATCH], failed)
    return unreadable


def _media_refusals(
    media: MediaCache, files: list[LocalFile], unreadable: Mapping[str, str]
) -> dict[str, str]:
    """Key -> why, for the videos and images among ``files`` that will never play or show.

    Only the files to send are read: through the facts cache when they are hashed already
    (each content once), else their header and first frames only, so that a big file the
    plan left unhashed is not read whole before it is sent."""
    wanted = [f for f in files if f.key not in unreadable and media_kind(f.key) is not None]
    refused: dict[str, str] = {}
    for start in range(0, len(wanted), MEDIA_BATCH):  # the facts of a batch at a time in memory
        batch = wanted[start:start + MEDIA_BATCH]
        for key, facts in media.local_all(batch, hash_first=False).items():
            # An unreadable file fails when it is sent, with the reason of the read.
            why = None if isinstance(facts, OSError) else refusal(key, facts)
            if why is not None:
                refused[key] = why
    return refused


def _add_sends(
    plan: UploadPlan, to_send: list[LocalFile], states: Mapping[str, State],
    sources: Sources, etags: Mapping[str, str],
) -> None:
    """Upload each distinct content once; copy the rest from where it is (or will be)."""
    first_local: dict[str, str] = {}
    for file in to_send:
        reason = states[file.key].value
        etag = etags.get(file.key)
        sha = file.digests.sha256 if file.digests and file.size > 0 else None
        source = sources.find(file)
        if sha and source is None and sha in first_local:
            source = first_local[sha]
        if sha and source is not None:
            action, source = sources.action_for(file.key, source)
            plan.items.append(
                PlanItem(file.key, file.path, file.size, action, source, reason, etag)
            )
            plan.duplicates.append((file.key, source))
            continue
        if sha:
            first_local[sha] = file.key
        plan.items.append(
            PlanItem(file.key, file.path, file.size, Action.UPLOAD, reason=reason, etag=etag)
        )
