"""What the screen shows: the latest report, the selection, the filter, and key lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from r2tui.compare import CategoryReport, Report, State
from r2tui.layout import Category, Layout
from r2tui.media_overview import MediaOverview
from r2tui.media_problems import MediaProblem

UPLOADABLE = (State.MISSING, State.CHANGED)
PROBLEMS = (State.MISSING, State.CHANGED, State.EXTRA)


def parent_of(key: str) -> str:
    """The folder prefix a key sits in: ``videos/intros/a.mp4`` -> ``videos/intros/``."""
    return key[: key.rfind("/") + 1]


def ancestors(key: str) -> list[str]:
    """Every folder prefix above ``key``, the root ``""`` included."""
    found = [""]
    end = key.find("/")
    while end >= 0:
        found.append(key[: end + 1])
        end = key.find("/", end + 1)
    return found


@dataclass(frozen=True)
class PlanRequest:
    """What an upload plan is computed from, taken on the UI thread and never changed after:
    the plan's worker thread reads it while the UI thread goes on changing the view.

    ``states`` is None before the first report: the worker then makes its own. ``etags`` are
    the listing's, for the writes to be guarded on; with ``sizes`` they find renames.
    """

    keys: tuple[str, ...]
    states: Mapping[str, State] | None
    stored_bytes: int
    etags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sizes: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))


class ViewState:
    """Shared by the trees, the dashboard and the screen; mutated on the UI thread only."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.report: Report | None = None
        self.selected: set[str] = set()
        self.problems_only = False
        self.media: MediaOverview | None = None  # the local media's facts, as far as known
        self._states: dict[str, State] = {}
        self._problem_dirs: set[str] = set()

    def set_report(self, report: Report) -> None:
        self.report = report
        self._reindex()

    def set_media(self, media: MediaOverview | None) -> None:
        self.media = media
        self._reindex()

    def _reindex(self) -> None:
        self._states = {}
        for category_report in self.report.all_reports if self.report else []:
            self._states.update(category_report.problems)
        self._problem_dirs = {
            prefix
            for key in self._problem_keys()
            for prefix in ancestors(key)
        }

    def _problem_keys(self) -> list[str]:
        keys = [key for key, state in self._states.items() if state in PROBLEMS]
        return keys + list(self.media.problems if self.media else ())

    def media_problems(self, key: str) -> tuple[MediaProblem, ...]:
        """What is wrong with the media file ``key``, as far as its facts are known."""
        return self.media.problems.get(key, ()) if self.media else ()

    def state_of(self, key: str) -> State | None:
        return self._states.get(key)

    def missing_in(self, prefix: str) -> list[str]:
        """Missing keys directly in the folder ``prefix`` (shown as ghosts in the bucket tree)."""
        return sorted(
            k for k, s in self._states.items() if s is State.MISSING and parent_of(k) == prefix
        )

    def folders_in(self, prefix: str) -> set[str]:
        """Sub-folders of ``prefix`` that should exist: category prefixes and missing keys'."""
        paths = [p for c in self.layout for p in c.prefixes]
        paths += [k for k, s in self._states.items() if s is State.MISSING]
        return {
            path[: path.index("/", len(prefix)) + 1]
            for path in paths
            if path.startswith(prefix) and "/" in path[len(prefix) :]
        }

    def category_report(self, category: Category | None) -> CategoryReport | None:
        return self.report.report_for(category) if self.report else None

    def categories_below(self, prefix: str) -> list[Category]:
        """The categories living under the folder ``prefix`` (a parent of their folders)."""
        return [c for c in self.layout
                if any(p.startswith(prefix) and p != prefix for p in c.prefixes)]

    def is_uncategorised_dir(self, prefix: str) -> bool:
        """No category lives at, above or below this folder."""
        return not any(
            p and (p.startswith(prefix) or prefix.startswith(p))
            for c in self.layout
            for p in c.prefixes
        )

    def in_bucket(self, key: str) -> bool:
        """As far as the report knows (before it, every key is taken as stored)."""
        return self._states.get(key) is not State.MISSING

    def has_local_twin(self, key: str) -> bool:
        return (self.report is not None and self.report.has_local
                and self._states.get(key) is not State.EXTRA)

    def missing_keys(self) -> list[str]:
        return [k for k, s in self._states.items() if s is State.MISSING]

    def shows_file(self, key: str) -> bool:
        return (not self.problems_only or self._states.get(key) in PROBLEMS
                or bool(self.media_problems(key)))

    def shows_dir(self, prefix: str) -> bool:
        return not self.problems_only or prefix in self._problem_dirs

    def uploadable(self, category: Category | None = None, everywhere: bool = False) -> list[str]:
        """Missing or changed keys in ``category`` (or in every category)."""
        if self.report is None:
            return []
        reports = self.report.all_reports if everywhere else [self.report.report_for(category)]
        return sorted(k for r in reports for k in r.keys_in(*UPLOADABLE))

    def plan_request(self, keys: Iterable[str]) -> PlanRequest:
        """A snapshot for planning ``keys``: a read-only copy of the states, not the report."""
        if self.report is None:
            return PlanRequest(tuple(sorted(keys)), None, 0)
        states = MappingProxyType(dict(self._states))
        etags = {k: e for r in self.report.all_reports for k, e in r.etags.items()}
        sizes = {k: n for r in self.report.all_reports for k, n in r.sizes.items()}
        return PlanRequest(tuple(sorted(keys)), states, self.report.totals.remote_bytes,
                           MappingProxyType(etags), MappingProxyType(sizes))

    def land(self, key: str, size: int) -> None:
        """An upload or copy finished: count the object as present right away."""
        if self.report is None:
            return
        target = self.report.report_for(self.layout.category_of(key))
        state = target.problems.pop(key, None)
        if state is State.MISSING:
            target.tally.missing -= 1
            target.tally.remote += 1
            target.tally.remote_bytes += size
        elif state is State.CHANGED:
            target.tally.changed -= 1
        self.selected.discard(key)
        self._reindex()
