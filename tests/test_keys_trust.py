"""Ed25519 keys and the trust store: real files, hostile inputs, clear errors."""

from __future__ import annotations

import base64
import logging
import os
import stat
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from teachpoint.errors import SignatureError, TeachPointError, UsageError
from teachpoint.repo.keys import (
    PublicKey,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign,
    verify_signature,
)
from teachpoint.repo.trust import TrustStore

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@pytest.fixture
def kp(tmp_path):
    return generate_keypair(tmp_path / "county", name="县教育资源中心 2025")


# ---- generation and file format ----------------------------------------------------------------


def test_generate_writes_both_files_and_roundtrips(tmp_path, kp):
    assert kp.private_path == tmp_path / "county.key"
    assert kp.public_path == tmp_path / "county.pub"
    text = kp.public_path.read_text("utf-8")
    tag, b64, name = text.rstrip("\n").split(" ", 2)
    assert tag == "teachpoint-ed25519" and name == "县教育资源中心 2025"
    assert len(base64.b64decode(b64)) == 32
    assert kp.private_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")

    pub = load_public_key(kp.public_path)
    assert pub == kp.public
    assert pub.name == "县教育资源中心 2025"
    assert len(pub.key_id) == 16 and int(pub.key_id, 16) >= 0
    priv = load_private_key(kp.private_path)
    sig = sign(priv, "第三单元 音乐".encode())
    verify_signature(pub, "第三单元 音乐".encode(), sig)
    assert len(base64.b64decode(sig)) == 64


def test_default_name_is_prefix(tmp_path):
    k = generate_keypair(tmp_path / "publisher")
    assert load_public_key(k.public_path).name == "publisher"


@posix_only
def test_private_key_mode_is_0600_even_with_lax_umask(tmp_path):
    old = os.umask(0)
    try:
        k = generate_keypair(tmp_path / "p")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(k.private_path).st_mode) == 0o600


def test_refuses_to_overwrite_private_or_public(tmp_path, kp):
    before = kp.private_path.read_bytes()
    with pytest.raises(UsageError, match="refusing to overwrite"):
        generate_keypair(tmp_path / "county")
    assert kp.private_path.read_bytes() == before
    # only the .pub exists: still refused, and no orphan .key is left behind
    (tmp_path / "other.pub").write_text("mine")
    with pytest.raises(UsageError, match="already exists"):
        generate_keypair(tmp_path / "other")
    assert not (tmp_path / "other.key").exists()
    assert (tmp_path / "other.pub").read_text() == "mine"


@posix_only
def test_refuses_to_write_through_a_symlink(tmp_path):
    target = tmp_path / "victim"
    target.write_text("precious")
    (tmp_path / "s.key").symlink_to(target)
    with pytest.raises(UsageError):
        generate_keypair(tmp_path / "s")
    assert target.read_text() == "precious"


@posix_only
def test_warns_when_private_key_is_group_readable(tmp_path, kp, caplog):
    os.chmod(kp.private_path, 0o644)
    with caplog.at_level(logging.WARNING, logger="teachpoint.repo.keys"):
        load_private_key(kp.private_path)
    assert any("readable by other users" in r.getMessage() for r in caplog.records)
    caplog.clear()
    os.chmod(kp.private_path, 0o600)
    with caplog.at_level(logging.WARNING, logger="teachpoint.repo.keys"):
        load_private_key(kp.private_path)
    assert not caplog.records


# ---- hostile key files -------------------------------------------------------------------------


def _rsa_pems():
    k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    priv = k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pub = k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return priv, pub


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (os.urandom(300), "not a PEM private key"),
        (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not a readable PEM"),
        (b"x" * (65 * 1024), "too large"),
        (b"teachpoint-ed25519 AAAA name\n", "is a public key"),
    ],
)
def test_malformed_private_key_files(tmp_path, content, message):
    p = tmp_path / "bad.key"
    p.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        load_private_key(p)


def test_rsa_and_ec_private_keys_are_refused(tmp_path):
    priv, _ = _rsa_pems()
    p = tmp_path / "rsa.key"
    p.write_bytes(priv)
    with pytest.raises(UsageError, match="RSA key; TeachPoint needs an Ed25519"):
        load_private_key(p)
    e = ec.generate_private_key(ec.SECP256R1())
    p.write_bytes(e.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(UsageError, match="EC key"):
        load_private_key(p)


def test_encrypted_private_key_is_refused(tmp_path, kp):
    p = tmp_path / "enc.key"
    p.write_bytes(kp.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")))
    with pytest.raises(UsageError, match="password-protected"):
        load_private_key(p)


def test_missing_and_directory_key_files(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_private_key(tmp_path / "nope.key")
    with pytest.raises(UsageError, match="does not exist"):
        load_public_key(tmp_path / "nope.pub")
    with pytest.raises(UsageError, match="folder"):
        load_public_key(tmp_path)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"# only a comment\n", "empty"),
        (os.urandom(200) + b"\xff", "not"),
        (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB name\n", "not a TeachPoint public key"),
        (b"teachpoint-ed25519\n", "not a TeachPoint public key"),
        (b"teachpoint-ed25519 AAAA!!!! name\n", "not valid base64"),
        (b"teachpoint-ed25519 " + base64.b64encode(b"k" * 32)[:30] + b" name\n", "base64|bytes"),
        (b"teachpoint-ed25519 " + base64.b64encode(b"k" * 20) + b" name\n", "20 bytes"),
        (b"teachpoint-ed25519 " + b"A" * 70000 + b"\n", "too large"),
        (b"teachpoint-ed25519 " + base64.b64encode(b"k" * 32) + b" bad\x01name\n", "control"),
    ],
)
def test_malformed_public_key_files(tmp_path, content, message):
    p = tmp_path / "bad.pub"
    p.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        load_public_key(p)


def test_private_key_given_as_public_is_refused(kp):
    with pytest.raises(UsageError, match="PRIVATE key"):
        load_public_key(kp.private_path)


def test_pem_public_keys(tmp_path, kp):
    p = tmp_path / "openssl.pub"
    p.write_bytes(kp.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    pub = load_public_key(p)
    assert pub.raw == kp.public.raw and pub.name == "openssl"
    _, rsa_pub = _rsa_pems()
    p.write_bytes(rsa_pub)
    with pytest.raises(UsageError, match="RSA key"):
        load_public_key(p)


def test_public_key_without_name_uses_file_stem_and_bom_is_ok(tmp_path, kp):
    p = tmp_path / "城关中心校.pub"
    p.write_bytes(("\ufeff# comment\n\nteachpoint-ed25519 " + kp.public.b64 + "\r\n").encode("utf-8"))
    pub = load_public_key(p)
    assert pub.name == "城关中心校" and pub.key_id == kp.public.key_id


# ---- signatures --------------------------------------------------------------------------------


def test_tampered_data_and_forged_signatures(tmp_path, kp):
    data = b'{"version": 7, "title": "\xe9\x9f\xb3\xe4\xb9\x90"}'
    sig = sign(kp.private_key, data)
    verify_signature(kp.public, data, sig)
    verify_signature(kp.public, data, sig.encode("ascii"))
    with pytest.raises(SignatureError, match="does not verify"):
        verify_signature(kp.public, data.replace(b"7", b"8"), sig)
    # signed by another key: the attacker's own key pair
    evil = generate_keypair(tmp_path / "evil")
    forged = sign(evil.private_key, data)
    with pytest.raises(SignatureError, match="does not verify"):
        verify_signature(kp.public, data, forged)
    # a flipped bit in the signature
    raw = bytearray(base64.b64decode(sig))
    raw[10] ^= 1
    with pytest.raises(SignatureError):
        verify_signature(kp.public, data, base64.b64encode(bytes(raw)).decode())


@pytest.mark.parametrize(
    "sig",
    ["", "not base64!!", "AAAA", base64.b64encode(b"x" * 63).decode(), base64.b64encode(b"x" * 65).decode(),
     "A" * 5000, "\u4e2d\u6587", b"\xff\xfe", None, 12345],
)
def test_malformed_signatures(kp, sig):
    with pytest.raises(SignatureError):
        verify_signature(kp.public, b"data", sig)


def test_signature_error_is_a_teachpoint_error(kp):
    with pytest.raises(TeachPointError):
        verify_signature(kp.public, b"x", "AAAA")


def test_public_key_rejects_wrong_length():
    with pytest.raises(UsageError):
        PublicKey(b"short")


# ---- trust store -------------------------------------------------------------------------------


def test_trust_add_list_get_remove(tmp_path, kp):
    store = TrustStore(tmp_path / "data" / "trusted-keys")
    assert store.list() == [] and not store.is_trusted(kp.public.key_id)
    pub = store.add(kp.public_path)
    assert pub.name == "县教育资源中心 2025"
    assert (tmp_path / "data" / "trusted-keys" / f"{kp.public.key_id}.pub").is_file()
    [entry] = store.list()
    assert entry.name == pub.name and entry.key_id == kp.public.key_id and entry.added_at.endswith("Z")
    assert entry.repos is None
    assert store.get(kp.public.key_id) == kp.public
    assert store.is_trusted(kp.public.key_id)
    assert store.allows(kp.public.key_id, "any-repo")
    # only the .pub files remain, no temporary files
    assert [p.name for p in store.folder.iterdir()] == [f"{kp.public.key_id}.pub"]

    removed = store.remove("县教育资源中心 2025")
    assert removed.key_id == kp.public.key_id
    assert not store.is_trusted(kp.public.key_id) and store.list() == []


def test_trust_readd_updates_name_keeps_added_at(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    store.add(kp.public_path)
    first = store.list()[0].added_at
    store.add(kp.public_path, name="县中心")
    [entry] = store.list()
    assert entry.name == "县中心" and entry.added_at == first


def test_trust_two_keys_same_name_refused(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    store.add(kp.public_path, name="中心校")
    other = generate_keypair(tmp_path / "other")
    with pytest.raises(UsageError, match="already trusted under the name"):
        store.add(other.public_path, name="中心校")
    assert len(store.list()) == 1
    store.add(other.public_path)  # its own name "other" is fine
    assert {t.name for t in store.list()} == {"中心校", "other"}


def test_trust_remove_by_fingerprint_prefix_and_errors(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    store.add(kp.public_path)
    other = generate_keypair(tmp_path / "other")
    store.add(other.public_path)
    with pytest.raises(UsageError, match="no trusted key"):
        store.remove("nobody")
    with pytest.raises(UsageError, match="no trusted key"):
        store.remove("abc")  # too short to be a prefix
    with pytest.raises(UsageError):
        store.remove("")
    assert store.remove(kp.public.key_id[:8].upper()).key_id == kp.public.key_id
    assert store.remove(other.public.key_id).key_id == other.public.key_id
    assert store.list() == []


def test_trust_remove_ambiguous(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    other = generate_keypair(tmp_path / "other")
    store.add(other.public_path)
    # a key whose *name* is the other key's fingerprint: ambiguous
    store.add(kp.public_path, name=other.public.key_id)
    with pytest.raises(UsageError, match="matches several"):
        store.remove(other.public.key_id)
    assert len(store.list()) == 2


def test_trust_scope_to_repositories(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    store.add(kp.public_path, name="演示频道", repos=["teachpoint-demo"])
    assert store.allows(kp.public.key_id, "teachpoint-demo")
    assert not store.allows(kp.public.key_id, "county-music")
    assert store.is_trusted(kp.public.key_id)
    assert store.list()[0].repos == ("teachpoint-demo",)
    with pytest.raises(UsageError, match="invalid repository name"):
        store.add(kp.public_path, repos=["../etc"])
    with pytest.raises(UsageError):
        store.add(kp.public_path, repos=[])
    assert store.list()[0].repos == ("teachpoint-demo",)  # failed re-add changed nothing
    store.add(kp.public_path)  # re-added without scope: trusted everywhere
    assert store.allows(kp.public.key_id, "county-music")


def test_trust_rejects_bad_input_files(tmp_path):
    store = TrustStore(tmp_path / "tk")
    junk = tmp_path / "junk.pub"
    junk.write_bytes(os.urandom(100))
    with pytest.raises(UsageError):
        store.add(junk)
    _, rsa_pub = _rsa_pems()
    junk.write_bytes(rsa_pub)
    with pytest.raises(UsageError, match="RSA"):
        store.add(junk)
    assert store.list() == []


def test_trust_get_with_hostile_key_ids(tmp_path, kp):
    store = TrustStore(tmp_path / "tk")
    store.add(kp.public_path)
    (tmp_path / "evil.pub").write_text(kp.public.to_text())
    for bad in ["../evil", "../" + kp.public.key_id, kp.public.key_id.upper(), "", "x" * 16, None, 5]:
        assert store.get(bad) is None
        assert not store.is_trusted(bad)
        assert not store.allows(bad, "r")


def test_trust_ignores_planted_or_damaged_files(tmp_path, kp, caplog):
    store = TrustStore(tmp_path / "tk")
    other = generate_keypair(tmp_path / "other")
    store.folder.mkdir()
    # a file named after one key id but holding another key: never trusted under the wrong id
    (store.folder / f"{kp.public.key_id}.pub").write_text(other.public.to_text())
    (store.folder / "0123456789abcdef.pub").write_bytes(b"\x00garbage")
    (store.folder / "notes.txt").write_text("hello")
    with caplog.at_level(logging.WARNING):
        assert store.list() == []
        assert not store.is_trusted(kp.public.key_id)
        assert not store.is_trusted(other.public.key_id)
    assert caplog.records


def test_add_key_from_memory_and_persistence(tmp_path, kp):
    folder = tmp_path / "tk"
    TrustStore(folder).add_key(kp.public, repos="teachpoint-demo")
    again = TrustStore(folder)
    assert again.get(kp.public.key_id) == kp.public
    assert again.list()[0].repos == ("teachpoint-demo",)


def test_sync_keys_and_trust_do_not_import_qt():
    code = "import sys, teachpoint.repo.keys, teachpoint.repo.trust; " \
           "assert 'PySide6' not in sys.modules and 'vlc' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
