"""Local library against bucket: per-category counts and the keys that need attention."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from r2tui.identity import Verdict, quick_verdict, verdict_from_details
from r2tui.inventory import ObjectDetails, RemoteObject
from r2tui.keys import TRASH_PREFIX
from r2tui.layout import Category, Layout
from r2tui.scan import Hasher, LocalFile, LocalLibrary, ScanIssue
from r2tui.state import UploadRecord

HeadFn = Callable[[str], ObjectDetails]


class State(StrEnum):
    """Where a key stands. Only non-synced keys are kept in a report, so memory stays small."""

    SYNCED = "synced"
    MISSING = "missing"  # local file absent from the bucket
    CHANGED = "changed"  # same key, other content
    EXTRA = "extra"  # only in the bucket
    UNVERIFIED = "unverified"  # same size, identity not provable without a download


@dataclass
class Tally:
    expected: int = 0
    local: int = 0
    remote: int = 0
    missing: int = 0
    changed: int = 0
    extra: int = 0
    unverified: int = 0
    local_bytes: int = 0
    remote_bytes: int = 0

    @property
    def present(self) -> int:
        """Objects that count toward completeness: never more than expected."""
        return min(self.remote, self.expected)

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class CategoryReport:
    category: Category | None  # None: the uncategorised keys
    tally: Tally = field(default_factory=Tally)
    problems: dict[str, State] = field(default_factory=dict)
    # The listing's ETag of each problem key the bucket holds: the version a write may replace.
    etags: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # and its size (what a download gets)

    @property
    def name(self) -> str:
        return self.category.name if self.category else "Uncategorised"

    @property
    def prefix(self) -> str | None:
        return self.category.prefix if self.category else None

    def keys_in(self, *states: State) -> list[str]:
        return sorted(k for k, s in self.problems.items() if s in states)

    def to_json(self) -> dict:
        return {"name": self.name, "prefix": self.prefix, **asdict(self.tally)}


@dataclass
class Report:
    bucket: str
    categories: list[CategoryReport]
    uncategorised: CategoryReport
    has_local: bool
    local_issues: list[ScanIssue] = field(default_factory=list)
    local: LocalLibrary | None = field(default=None, repr=False)  # the scan compared against

    @property
    def all_reports(self) -> list[CategoryReport]:
        return [*self.categories, self.uncategorised]

    @property
    def totals(self) -> Tally:
        total = Tally()
        for report in self.all_reports:
            total.add(report.tally)
        return total

    @property
    def present(self) -> int:
        return sum(r.tally.present for r in self.categories)

    @property
    def percent(self) -> float:
        """Completeness in percent, rounded down: 3345/3346 is 99.97, never 100.00."""
        expected = self.totals.expected
        if expected == 0:
            return 100.0
        return (self.present * 10000 // expected) / 100

    @property
    def complete(self) -> bool:
        totals = self.totals
        return self.present == totals.expected and totals.missing == 0 and totals.changed == 0

    def state_of(self, key: str) -> State | None:
        for report in self.all_reports:
            if key in report.problems:
                return report.problems[key]
        return None

    def report_for(self, category: Category | None) -> CategoryReport:
        for report in self.categories:
            if report.category == category:
                return report
        return self.uncategorised

    def to_json(self) -> dict:
        return {
            "bucket": self.bucket,
            **asdict(self.totals),
            "percent": self.percent,
            "present": self.present,
            "complete": self.complete,
            "categories": [r.to_json() for r in self.all_reports],
        }


def compare(
    layout: Layout,
    bucket: str,
    remote: Iterable[RemoteObject],
    *,
    local: LocalLibrary | None = None,
    hasher: Hasher | None = None,
    records: dict[str, UploadRecord] | None = None,
    head: HeadFn | None = None,
    workers: int = 8,
) -> Report:
    """Stream the bucket's objects once and compare them with the local library.

    Local files are hashed only where the sizes match (and from the cache when unchanged);
    objects are HEADed only where the listing and the records cannot decide.
    """
    reports = {c.id: CategoryReport(c, Tally(expected=c.expected)) for c in layout}
    uncategorised = CategoryReport(None)
    report = Report(bucket, list(reports.values()), uncategorised, local is not None, local=local)

    def report_of(key: str) -> CategoryReport:
        category = layout.category_of(key)
        return reports[category.id] if category else uncategorised

    local_files = local.files if local else {}
    pairs: list[tuple[LocalFile, RemoteObject, CategoryReport]] = []
    seen: set[str] = set()
    for obj in remote:
        if obj.key.startswith(TRASH_PREFIX):
            continue
        target = report_of(obj.key)
        target.tally.remote += 1
        target.tally.remote_bytes += obj.size
        twin = local_files.get(obj.key)
        if twin is None:
            if local is not None or target is uncategorised:
                target.tally.extra += 1
                target.problems[obj.key] = State.EXTRA
                target.etags[obj.key] = obj.etag
                target.sizes[obj.key] = obj.size
            continue
        seen.add(obj.key)
        if twin.size != obj.size:
            _mark(target, obj.key, State.CHANGED)
            target.etags[obj.key] = obj.etag
            target.sizes[obj.key] = obj.size
        else:
            pairs.append((twin, obj, target))

    if local is not None:
        report.local_issues = list(local.issues)
        for key, file in local_files.items():
            target = report_of(key)
            target.tally.local += 1
            target.tally.local_bytes += file.size
            if key not in seen:
                _mark(target, key, State.MISSING)
    if pairs:
        _decide_pairs(pairs, hasher, records or {}, head, report, workers)
    return report


def _mark(report: CategoryReport, key: str, state: State) -> None:
    report.problems[key] = state
    if state is State.MISSING:
        report.tally.missing += 1
    elif state is State.CHANGED:
        report.tally.changed += 1
    elif state is State.UNVERIFIED:
        report.tally.unverified += 1


def _decide_pairs(
    pairs: list[tuple[LocalFile, RemoteObject, CategoryReport]],
    hasher: Hasher | None,
    records: dict[str, UploadRecord],
    head: HeadFn | None,
    report: Report,
    workers: int,
) -> None:
    if hasher is None:
        raise ValueError("comparing equal-sized files needs a Hasher")
    unreadable: dict[str, str] = {}

    def failed(file: LocalFile, exc: OSError) -> None:
        unreadable[file.key] = exc.strerror or str(exc)

    hasher.digest_all([p[0] for p in pairs], failed)
    undecided = []
    for file, obj, target in pairs:
        target.etags[obj.key] = obj.etag  # dropped again below if the pair is synced
        target.sizes[obj.key] = obj.size
        if file.key in unreadable or file.digests is None:
            report.local_issues.append(
                ScanIssue(str(file.path), f"cannot read: {unreadable.get(file.key, 'unknown')}")
            )
            _mark(target, file.key, State.UNVERIFIED)
            continue
        verdict = quick_verdict(file, file.digests, obj, records.get(file.key))
        if verdict is None:
            undecided.append((file, target))
        else:
            _apply(target, file.key, verdict)
    if not undecided:
        _forget_synced_etags(pairs)
        return
    if head is None:
        for file, target in undecided:
            _apply(target, file.key, Verdict.UNVERIFIED)
        _forget_synced_etags(pairs)
        return

    def decide(item: tuple[LocalFile, CategoryReport]) -> Verdict:
        file = item[0]
        assert file.digests is not None
        return verdict_from_details(file, file.digests, head(file.key))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for (file, target), verdict in zip(undecided, pool.map(decide, undecided), strict=True):
            _apply(target, file.key, verdict)
    _forget_synced_etags(pairs)


def _forget_synced_etags(pairs: list[tuple[LocalFile, RemoteObject, CategoryReport]]) -> None:
    for file, _, target in pairs:
        if file.key not in target.problems:
            target.etags.pop(file.key, None)
            target.sizes.pop(file.key, None)


def _apply(target: CategoryReport, key: str, verdict: Verdict) -> None:
    if verdict is Verdict.CHANGED:
        _mark(target, key, State.CHANGED)
    elif verdict is Verdict.UNVERIFIED:
        _mark(target, key, State.UNVERIFIED)
