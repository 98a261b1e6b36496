"""Checking a scheduled post's media before the day, not at send time.

The type comes from the file's first bytes, not its name: a sheet pointing at
"map.jpg" that is really a PDF is caught now. Limits are X's documented ones: images
up to 5 MB, animated GIFs up to 15 MB, videos up to 512 MB; a post carries up to four
images, or one GIF, or one video.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024

# kind → (category, size limit, file name endings that may carry it)
KINDS: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "jpeg": ("image", 5 * MB, (".jpg", ".jpeg")),
    "png": ("image", 5 * MB, (".png",)),
    "webp": ("image", 5 * MB, (".webp",)),
    "gif": ("gif", 15 * MB, (".gif",)),
    "mp4": ("video", 512 * MB, (".mp4", ".m4v", ".mov")),
}
ACCEPTED = "JPEG, PNG, GIF, WebP or MP4"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One checked attachment."""

    path: Path  # absolute
    kind: str  # a key of KINDS
    size: int

    @property
    def category(self) -> str:
        return KINDS[self.kind][0]


def sniff(head: bytes) -> str | None:
    """The media kind of a file from its first 16 bytes, or None if not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    return None


def check_file(path: Path) -> MediaFile | str:
    """The checked file, or why it cannot be attached."""
    if not path.exists():
        return f"{path}: no such file"
    if not path.is_file():
        return f"{path}: not a file"
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
        size = path.stat().st_size
    except OSError as exc:
        return f"{path}: cannot read it ({exc.strerror})"
    kind = sniff(head)
    if kind is None:
        return f"{path}: not a {ACCEPTED} file (by its content)"
    category, limit, endings = KINDS[kind]
    if path.suffix.lower() not in endings:
        return f"{path}: named {path.suffix or 'without an extension'} but its content is {kind}"
    if size > limit:
        return f"{path}: {size / MB:.1f} MB, X takes a {category} up to {limit // MB} MB"
    return MediaFile(path, kind, size)


def check_set(files: list[MediaFile]) -> str | None:
    """Why X would refuse this combination of attachments, or None."""
    categories = [f.category for f in files]
    if len(files) > 4:
        return f"{len(files)} attachments, X takes at most 4"
    if ("gif" in categories or "video" in categories) and len(files) > 1:
        return "a GIF or a video must be the only attachment"
    return None
