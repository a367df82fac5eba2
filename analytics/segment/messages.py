"""Segment messages as plain data: body decoding with Segment's limits, checks, timestamps, names.

Nothing here touches the database: a raw body goes in, a list of `Message` comes out, or
`BodyRefused` says why (its `status` is the HTTP status to answer).
"""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

MAX_MESSAGE_BYTES = 32 * 1024  # Segment's limit for one call
MAX_BATCH_BYTES = 500 * 1024  # Segment's limit for one batch, and the most a gzip body may inflate to
MAX_KEY = 200  # longest messageId, userId, event name we keep
CALLS = ("track", "identify", "group", "page", "screen", "alias")
LOGIN_EVENTS = frozenset({"Signed In", "Logged In"})
REPORT_EVENTS = frozenset({"Report Run"})


class BodyRefused(ValueError):
    """The body cannot be read as Segment messages; `status` is 400, 413, 415 or 422."""

    def __init__(self, status: int, message: str, errors: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.errors = errors or []


@dataclass
class Message:
    """One Segment call, checked, with its corrected timestamp."""

    message_id: str
    call: str
    user_key: str
    ts: datetime
    event: str = ""  # track event or page/screen name
    group_id: str | None = None  # the group call's groupId, or context.groupId of any call
    traits: dict = field(default_factory=dict)  # identify traits (top level merged over context.traits)

    def as_json(self) -> str:
        """The message as JSON for the parking table (timestamps already corrected)."""
        return json.dumps({"messageId": self.message_id, "type": self.call, "userKey": self.user_key,
                           "ts": self.ts.isoformat(), "event": self.event, "groupId": self.group_id,
                           "traits": self.traits})

    @classmethod
    def from_json(cls, text: str) -> "Message":
        """Back from as_json()."""
        data = json.loads(text)
        return cls(message_id=data["messageId"], call=data["type"], user_key=data["userKey"],
                   ts=datetime.fromisoformat(data["ts"]), event=data["event"], group_id=data["groupId"],
                   traits=data["traits"])


def inflate(raw: bytes, encoding: str) -> bytes:
    """The body as sent before compression; 413 past MAX_BATCH_BYTES (a zip bomb stops there), 400 when corrupt."""
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        data = raw
    elif encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(wbits=47 if encoding != "deflate" else 15)  # 47: gzip or zlib header
        try:
            data = decoder.decompress(raw, MAX_BATCH_BYTES + 1)
            if len(data) <= MAX_BATCH_BYTES and not decoder.eof:
                raise BodyRefused(400, "The compressed body ends too early; send the whole body again.")
        except zlib.error:
            raise BodyRefused(400, f"The body is not valid {encoding} data.") from None
    else:
        raise BodyRefused(415, f"Content-Encoding {encoding[:40]!r} is not supported; send gzip or no encoding.")
    if len(data) > MAX_BATCH_BYTES:
        raise BodyRefused(413, "A batch may hold at most 500 KB of JSON (after decompression); send smaller batches.")
    return data


def parse_body(data: bytes, call: str | None, received_at: datetime) -> list[Message]:
    """The messages of a batch (call None) or of one call; BodyRefused when malformed or too large."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BodyRefused(400, "The body is not valid JSON.") from None
    except RecursionError:  # arrays or objects nested thousands deep: no Segment library sends that
        raise BodyRefused(400, "The body nests arrays or objects too deeply to be read.") from None
    if not isinstance(body, dict):
        raise BodyRefused(422, "The body must be a JSON object.")
    if call is None:
        raw_messages = body.get("batch")
        if not isinstance(raw_messages, list):
            raise BodyRefused(422, "A batch body needs a 'batch' array of messages.")
    else:
        if len(data) > MAX_MESSAGE_BYTES:
            raise BodyRefused(413, "One message may be at most 32 KB of JSON.")
        raw_messages = [{**body, "type": call}]
    batch_sent_at = body.get("sentAt") if call is None else None
    errors: list[dict] = []
    messages = []
    measure = call is None and len(data) > MAX_MESSAGE_BYTES  # in a smaller body no message can be too large
    for index, raw in enumerate(raw_messages):
        message = _check(index, raw, batch_sent_at, received_at, errors, measure)
        if message is not None:
            messages.append(message)
    if any(error["field"] == "size" for error in errors):
        raise BodyRefused(413, "One message may be at most 32 KB of JSON; nothing was stored.", errors)
    if errors:
        raise BodyRefused(422, f"{len(errors)} message(s) are invalid; nothing was stored.", errors)
    return messages


def _check(index: int, raw: Any, batch_sent_at: Any, received_at: datetime, errors: list[dict],
           measure: bool) -> Message | None:
    """One message, or None with its problems appended to errors."""
    def fail(name: str, message: str) -> None:
        errors.append({"index": index, "field": name, "message": message})

    if not isinstance(raw, dict):
        fail("", "Each message must be a JSON object.")
        return None
    if measure and len(json.dumps(raw, separators=(",", ":")).encode()) > MAX_MESSAGE_BYTES:
        fail("size", "The message is larger than 32 KB.")
        return None
    call = raw.get("type")
    if call not in CALLS:
        fail("type", f"'type' must be one of {', '.join(CALLS)}.")
        return None
    user_key = _key(raw.get("userId")) or _key(raw.get("anonymousId"))
    if not user_key:
        fail("userId", "A message needs a userId or an anonymousId (a string of at most 200 characters).")
    context = raw.get("context") if isinstance(raw.get("context"), dict) else {}
    event = ""
    if call == "track":
        event = raw.get("event")
        if not isinstance(event, str) or not event.strip() or len(event) > MAX_KEY:
            fail("event", "A track call needs an 'event' name of 1 to 200 characters.")
    elif call in ("page", "screen") and isinstance(raw.get("name"), str):
        event = raw["name"][:MAX_KEY]
    group_id = _key(raw.get("groupId")) if call == "group" else _key(context.get("groupId"))
    if call == "group" and not group_id:
        fail("groupId", "A group call needs a 'groupId': the account's external id.")
    try:
        ts = corrected_timestamp(raw, batch_sent_at, received_at)
    except ValueError as exc:
        fail("timestamp", str(exc))
        ts = None
    message_id = _key(raw.get("messageId")) or _derived_id(raw)
    if len(errors) and errors[-1]["index"] == index:
        return None
    traits = {}
    if call == "identify":
        for source in (context.get("traits"), raw.get("traits")):
            if isinstance(source, dict):
                traits.update({k: v.strip() for k, v in source.items() if k in ("email", "name") and isinstance(v, str)})
    return Message(message_id=message_id, call=call, user_key=user_key, ts=ts, event=event.strip(),
                   group_id=group_id, traits=traits)


def _key(value: Any) -> str | None:
    """A Segment id as text (numbers allowed, as Segment allows them), or None when absent or unusable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY or "\x00" in value:
        return None
    return value.strip()


def _derived_id(raw: dict) -> str:
    """A messageId for a message sent without one: the hash of its content, so a resend is still recognised."""
    return "derived-" + hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()[:40]


def _instant(value: Any, name: str) -> datetime | None:
    """An ISO 8601 time as aware UTC (no offset: UTC); None when absent; ValueError when malformed."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError(f"'{name}' must be an ISO 8601 time such as 2026-01-31T09:30:00Z.")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"'{name}' {value[:40]!r} is not an ISO 8601 time such as 2026-01-31T09:30:00Z.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def corrected_timestamp(raw: dict, batch_sent_at: Any, received_at: datetime) -> datetime:
    """When the message happened: `timestamp` as given, else `originalTimestamp` corrected for the sender's clock skew.

    Segment's rule: timestamp = receivedAt - (sentAt - originalTimestamp), so a device whose clock
    runs ahead or behind still lands its events at the right moment. Without either, receivedAt.
    """
    timestamp = _instant(raw.get("timestamp"), "timestamp")
    if timestamp is not None:
        return timestamp
    original = _instant(raw.get("originalTimestamp"), "originalTimestamp")
    sent_at = _instant(raw.get("sentAt", batch_sent_at), "sentAt")
    if original is None:
        return received_at
    if sent_at is None:
        return original
    return received_at - (sent_at - original)


def snake_case(name: str) -> str:
    """An event name as a feature key: 'Report Exported' -> report_exported, 'exportPDF' -> export_pdf."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.strip())
    key = re.sub(r"[\W_]+", "_", spaced).strip("_").lower()
    return key[:MAX_KEY] or "event"


def usage_of(message: Message, mappings: dict[str, str]) -> tuple[str, str | None]:
    """(event type, feature) a page, screen or track call counts as."""
    if message.call in ("page", "screen"):
        return "page_view", None
    if message.event in LOGIN_EVENTS:
        return "login", None
    if message.event in REPORT_EVENTS:
        return "report_run", None
    return "feature_used", mappings.get(message.event) or snake_case(message.event)
