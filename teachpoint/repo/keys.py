"""Ed25519 publisher keys: generate, load, sign, verify (all crypto from ``cryptography``).

Files written by :func:`generate_keypair`:

``PREFIX.key``
    The private key, PEM PKCS#8, unencrypted. Created with ``O_CREAT|O_EXCL`` and mode 0600 so it
    never exists with wider permissions; an existing file is never overwritten. Loading a private
    key that group/others can read logs a warning.

``PREFIX.pub``
    The public key, UTF-8 text. The first meaningful line is::

        teachpoint-ed25519 <base64 of the 32 raw public key bytes> <name>

    ``<name>`` is the rest of the line (it may contain spaces and Chinese; it may be empty, then the
    file stem is used). Blank lines and lines starting with ``#`` are ignored. Lines after the key
    line of the form ``field: value`` are metadata kept by the trust store (``added-at``,
    ``repos``); :func:`parse_public_key` returns them, and everything else ignores them.
    A PEM ``-----BEGIN PUBLIC KEY-----`` Ed25519 key (as written by ``openssl pkey -pubout``) is
    accepted too, named after the file stem.

Key id (fingerprint): the first 16 lower-case hex digits of SHA-256 over the 32 raw public key
bytes. It names a key in repository metadata, in the trust store and in messages.

Signatures are the 64-byte Ed25519 signature in standard base64 (88 characters).

Every malformed input (garbage, an RSA PEM, truncated base64, an empty or huge file, a private key
given where a public key is expected) raises :class:`UsageError` for key files and
:class:`SignatureError` for signatures, with a one-line message; never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from teachpoint.errors import SignatureError, UsageError

log = logging.getLogger(__name__)

PUB_TAG = "teachpoint-ed25519"
PRIVATE_SUFFIX = ".key"
PUBLIC_SUFFIX = ".pub"
MAX_KEY_FILE = 64 * 1024  # no key file is anywhere near this; bounds every read
MAX_NAME = 200
MAX_SIGNATURE_TEXT = 256
KEY_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_B64_RE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def key_id_of(raw: bytes) -> str:
    """The fingerprint of a raw 32-byte public key: first 16 hex digits of its SHA-256."""
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class PublicKey:
    """A public key with the name a person knows it by."""

    raw: bytes
    name: str = ""
    metadata: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != 32:
            raise UsageError("an Ed25519 public key is exactly 32 bytes")

    @property
    def key_id(self) -> str:
        return key_id_of(self.raw)

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def crypto(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.raw)

    def to_text(self, metadata: dict[str, str] | None = None) -> str:
        """The ``.pub`` file text (key line, then optional ``field: value`` lines)."""
        lines = [f"{PUB_TAG} {self.b64} {self.name}".rstrip()]
        for k, v in (metadata or {}).items():
            lines.append(f"{k}: {v}")
        return "\n".join(lines) + "\n"

    def describe(self) -> str:
        return f"{self.name} ({self.key_id})" if self.name else self.key_id

    def __repr__(self) -> str:
        return f"PublicKey(key_id={self.key_id!r}, name={self.name!r})"


@dataclass(frozen=True)
class KeyPair:
    """What :func:`generate_keypair` made."""

    private_key: Ed25519PrivateKey
    public: PublicKey
    private_path: Path
    public_path: Path


def check_name(name: str) -> str:
    """Strip a key name and reject control characters / absurd lengths."""
    name = (name or "").strip()
    if _CONTROL_RE.search(name):
        raise UsageError("a key name must not contain control characters or line breaks")
    if len(name) > MAX_NAME:
        raise UsageError(f"a key name is at most {MAX_NAME} characters")
    return name


def public_key_of(private_key: Ed25519PrivateKey, name: str = "") -> PublicKey:
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(raw, check_name(name))


def generate_keypair(prefix: Path, name: str | None = None) -> KeyPair:
    """Create ``PREFIX.key`` (0600) and ``PREFIX.pub``; refuse if either exists already.

    ``name`` (default: the prefix's file name) goes into the ``.pub`` file.
    """
    prefix = Path(prefix)
    priv_path = prefix.with_name(prefix.name + PRIVATE_SUFFIX)
    pub_path = prefix.with_name(prefix.name + PUBLIC_SUFFIX)
    for p in (priv_path, pub_path):
        if os.path.lexists(p):
            raise UsageError(f"{p} already exists; refusing to overwrite a key (move it away or pick another name)")
    name = check_name(prefix.name if name is None else name)
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = public_key_of(private_key, name)
    _create_exclusive(priv_path, pem, 0o600)
    try:
        _create_exclusive(pub_path, public.to_text().encode("utf-8"), 0o644)
    except BaseException:
        _unlink_quietly(priv_path)
        raise
    log.info("generated key %s in %s", public.describe(), priv_path)
    return KeyPair(private_key, public, priv_path, pub_path)


def _create_exclusive(path: Path, data: bytes, mode: int) -> None:
    """Write a new file that must not exist; it is born with ``mode`` (never wider)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise UsageError(f"{path} already exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise UsageError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        if os.name == "posix":
            os.fchmod(fd, mode)  # the umask may only narrow it; make it exact
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        if fd >= 0:
            os.close(fd)
        _unlink_quietly(path)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _read_bounded(path: Path, what: str) -> bytes:
    """Read a small key file, with clear errors for missing / directory / huge / unreadable."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"{what} {path} is a folder, not a key file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_FILE:
        raise UsageError(f"{what} {path} is too large to be a key file (over {MAX_KEY_FILE // 1024} KiB)")
    if not data.strip():
        raise UsageError(f"{what} {path} is empty")
    return data


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Load an unencrypted PEM PKCS#8 Ed25519 private key; warn if others can read the file."""
    path = Path(path)
    data = _read_bounded(path, "private key file")
    if os.name == "posix":
        try:
            mode = os.stat(path).st_mode
            if stat.S_IMODE(mode) & 0o077:
                log.warning(
                    "private key %s is readable by other users (mode %o); run: chmod 600 %s",
                    path, stat.S_IMODE(mode), path,
                )
        except OSError:
            pass
    if b"PRIVATE KEY-----" not in data:
        if data.lstrip().startswith(PUB_TAG.encode()) or b"PUBLIC KEY-----" in data:
            raise UsageError(f"{path} is a public key; signing needs the private key file ({PRIVATE_SUFFIX})")
        raise UsageError(f"{path} is not a PEM private key file")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise UsageError(f"{path} is password-protected; TeachPoint needs an unencrypted key") from None
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError(f"{path} is not a readable PEM private key (damaged or unsupported)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path} is a {_kind(key)} key; TeachPoint needs an Ed25519 key (teachpoint keygen)")
    return key


def _kind(key: object) -> str:
    """A short name for a key type that is not Ed25519 (for messages)."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa, x448, x25519

    for mod, word in ((rsa, "RSA"), (ec, "EC"), (dsa, "DSA"), (ed448, "Ed448"), (x25519, "X25519"), (x448, "X448")):
        if any(isinstance(key, getattr(mod, n)) for n in dir(mod) if n.endswith(("PrivateKey", "PublicKey"))):
            return word
    return "non-Ed25519"


def load_public_key(path: Path) -> PublicKey:
    """Load a ``.pub`` file (or a PEM Ed25519 public key); name defaults to the file stem."""
    path = Path(path)
    data = _read_bounded(path, "public key file")
    return parse_public_key(data, source=str(path), default_name=path.stem)


def parse_public_key(data: bytes | str, source: str = "public key", default_name: str = "") -> PublicKey:
    """Parse the ``.pub`` text format (see module docstring). ``source`` names it in errors."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_KEY_FILE:
        raise UsageError(f"{source} is too large to be a key file")
    if b"PRIVATE KEY-----" in data:
        raise UsageError(f"{source} is a PRIVATE key; give the public key file ({PUBLIC_SUFFIX}) and keep the private one secret")
    if b"-----BEGIN PUBLIC KEY-----" in data:
        return _parse_pem_public(data, source, default_name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not a TeachPoint public key (not UTF-8 text)") from None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise UsageError(f"{source} is empty")
    parts = lines[0].split(None, 2)
    if parts[0] != PUB_TAG or len(parts) < 2:
        raise UsageError(f"{source} is not a TeachPoint public key (expected a line '{PUB_TAG} <key> <name>')")
    b64 = parts[1]
    if not _B64_RE.match(b64):
        raise UsageError(f"{source}: the key is not valid base64")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError(f"{source}: the key is not valid base64 (truncated?)") from None
    if len(raw) != 32:
        raise UsageError(f"{source}: the key has {len(raw)} bytes, an Ed25519 key has 32 (truncated?)")
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise UsageError(f"{source}: not a valid Ed25519 public key") from None
    try:
        name = check_name(parts[2] if len(parts) > 2 else "") or check_name(default_name)
    except UsageError as exc:
        raise UsageError(f"{source}: {exc}") from None
    meta: dict[str, str] = {}
    for ln in lines[1:]:
        k, sep, v = ln.partition(":")
        if sep and k.strip():
            meta[k.strip().lower()] = v.strip()
    return PublicKey(raw, name, meta)


def _parse_pem_public(data: bytes, source: str, default_name: str) -> PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError(f"{source} is not a readable PEM public key (damaged or unsupported)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{source} is a {_kind(key)} key; TeachPoint needs an Ed25519 key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return PublicKey(raw, check_name(default_name))


def sign(private_key: Ed25519PrivateKey, data: bytes) -> str:
    """Sign ``data``; returns the 64-byte signature as base64 text."""
    if not isinstance(private_key, Ed25519PrivateKey):
        raise UsageError("signing needs an Ed25519 private key")
    return base64.b64encode(private_key.sign(bytes(data))).decode("ascii")


def verify_signature(public_key: PublicKey, data: bytes, sig_b64: str | bytes) -> None:
    """Return if ``sig_b64`` is ``public_key``'s signature over ``data``; else raise SignatureError."""
    who = public_key.describe()
    if isinstance(sig_b64, bytes):
        try:
            sig_b64 = sig_b64.decode("ascii")
        except UnicodeDecodeError:
            raise SignatureError(f"malformed signature (not base64 text) for key {who}") from None
    if not isinstance(sig_b64, str) or len(sig_b64) > MAX_SIGNATURE_TEXT:
        raise SignatureError(f"malformed signature for key {who}")
    sig_b64 = sig_b64.strip()
    if not _B64_RE.match(sig_b64):
        raise SignatureError(f"malformed signature (not base64) for key {who}")
    try:
        sig = base64.b64decode(sig_b64, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"malformed signature (bad base64) for key {who}") from None
    if len(sig) != 64:
        raise SignatureError(f"malformed signature ({len(sig)} bytes, expected 64) for key {who}")
    try:
        public_key.crypto().verify(sig, bytes(data))
    except InvalidSignature:
        raise SignatureError(f"signature does not verify with key {who}: the data was changed or signed by another key") from None
