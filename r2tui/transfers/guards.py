"""Guarded writes: nothing is stored over an object that changed since r2tui looked at it.

Every write names the state of the destination it expects: absent (``If-None-Match: *``) or
holding the ETag seen at planning (``If-Match``). PutObject and CompleteMultipartUpload take
these headers; CopyObject takes ``x-amz-copy-source-if-match`` for its source and R2's
``cf-copy-destination-if-*`` headers for its destination, which boto3 does not model: they
travel as the extra parameter ``DESTINATION_PARAM``, moved into a header by ``install``.
A failed condition is a 412 ``PreconditionFailed``: the caller re-reads the object and decides
again instead of retrying.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.awsrequest import AWSRequest
from botocore.exceptions import ClientError

from r2tui.inventory import ObjectDetails
from r2tui.storage import S3Client
from r2tui.transfers.retry import error_code

DESTINATION_PARAM = "R2CopyDestination"
_CONTEXT_KEY = "r2tui_copy_destination"


@dataclass(frozen=True)
class Guard:
    """What the destination must be for a write to go ahead. ``etag`` None: no object."""

    etag: str | None

    @classmethod
    def of(cls, details: ObjectDetails | None) -> Guard:
        """The guard that holds for the object as it is now (None: there is none)."""
        return cls(details.etag if details is not None else None)

    def holds(self, details: ObjectDetails | None) -> bool:
        if self.etag is None:
            return details is None
        return details is not None and details.etag == self.etag

    def put_args(self) -> dict[str, str]:
        """For PutObject and CompleteMultipartUpload."""
        if self.etag is None:
            return {"IfNoneMatch": "*"}
        return {"IfMatch": f'"{self.etag}"'}

    def copy_args(self) -> dict[str, dict[str, str]]:
        """For CopyObject (after ``install``): R2's destination condition headers."""
        if self.etag is None:
            return {DESTINATION_PARAM: {"cf-copy-destination-if-none-match": "*"}}
        return {DESTINATION_PARAM: {"cf-copy-destination-if-match": f'"{self.etag}"'}}


def precondition_failed(exc: BaseException) -> bool:
    if not isinstance(exc, ClientError):
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 412 or error_code(exc) == "PreconditionFailed"


def install(client: S3Client) -> None:
    """Teach ``client``'s CopyObject the destination conditions (once per client)."""
    events = client.meta.events
    events.register("provide-client-params.s3.CopyObject", _take_destination,
                    unique_id="r2tui-copy-destination-take")
    events.register("before-sign.s3.CopyObject", _add_destination,
                    unique_id="r2tui-copy-destination-add")


def _take_destination(params: dict[str, object], context: dict[str, object], **_: object) -> None:
    headers = params.pop(DESTINATION_PARAM, None)
    if headers:
        context[_CONTEXT_KEY] = headers


def _add_destination(request: AWSRequest, **_: object) -> None:
    headers = request.context.get(_CONTEXT_KEY)
    if isinstance(headers, dict):
        for name, value in headers.items():
            request.headers[name] = value
