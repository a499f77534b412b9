"""``--adopt``: give objects that lack it the ``sha256`` metadata, in place, without a download.

Only objects already proven to hold the local file's content (synced in the report) are adopted:
a server-side copy onto themselves with MetadataDirective=REPLACE, keeping Content-Type and
Cache-Control. No object byte crosses the network. The copy is guarded on the ETag the HEAD saw
(as source and as destination): an object replaced meanwhile is left as it is and reported.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.compare import Report
from r2tui.scan import LocalLibrary
from r2tui.settings import Settings
from r2tui.state import UploadRecord
from r2tui.storage import describe
from r2tui.transfers.context import JobError, TransferContext, transfer_context
from r2tui.transfers.copy import same_content, server_copy
from r2tui.transfers.guards import Guard, precondition_failed
from r2tui.transfers.properties import content_type_for
from r2tui.transfers.resources import Resources
from r2tui.transfers.retry import RetryPolicy
from r2tui.transfers.verify import head_object


@dataclass
class AdoptResult:
    adopted: list[str] = field(default_factory=list)
    already: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def adopt(
    res: Resources, report: Report, local: LocalLibrary, keys: set[str] | None = None,
    *, policy: RetryPolicy | None = None,
) -> AdoptResult:
    """Adopt every synced key (or those in ``keys``) whose object has no ``sha256``."""
    problems = {k for c in report.all_reports for k in c.problems}
    candidates = sorted(
        k for k in local.files if k not in problems and (keys is None or k in keys)
    )
    result = AdoptResult()
    lock = threading.Lock()
    settings = res.settings
    with transfer_context(settings, settings.workers, policy or RetryPolicy(),
                          threading.Event(), client=res.client) as ctx:

        def one(key: str) -> None:
            try:
                done = _adopt_one(ctx, res, local, key)
            except (ClientError, BotoCoreError, OSError, JobError) as exc:
                reason = _reason(exc, settings, key)
                with lock:
                    result.failures[key] = str(reason)
                return
            with lock:
                if done:
                    result.adopted.append(key)
                else:
                    result.already += 1

        with ThreadPoolExecutor(settings.workers) as pool:
            list(pool.map(one, candidates))
    result.adopted.sort()
    return result


def _adopt_one(ctx: TransferContext, res: Resources, local: LocalLibrary, key: str) -> bool:
    details = head_object(ctx, key)
    if details.sha256:
        return False
    file = local.files[key]
    digests = res.hasher.digests(file)
    if not same_content(details, file.size, digests):
        raise JobError("the object changed since it was compared; not adopted (run again)")
    args = {
        "ContentType": details.content_type or content_type_for(key),
        "CacheControl": details.cache_control or ctx.settings.cache_control,
        "Metadata": {**details.metadata, "sha256": digests.sha256},
    }
    try:
        etag = server_copy(ctx, key, key, details.size, args, source_etag=details.etag,
                           guard=Guard(details.etag))
    except ClientError as exc:
        if not precondition_failed(exc):
            raise
        if head_object(ctx, key).sha256:  # adopted by another run meanwhile
            return False
        raise JobError("the object was replaced during adoption; left as it is") from None
    res.store.record_upload(ctx.bucket, UploadRecord(key, details.size, etag, digests.sha256))
    return True


def _reason(exc: Exception, settings: Settings, key: str) -> str:
    if isinstance(exc, JobError):
        return exc.reason
    if isinstance(exc, OSError):
        return str(exc.strerror or exc)
    return describe(exc, settings, key=key).message
