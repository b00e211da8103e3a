"""SNMPv3 messages with the User-based Security Model, encoded and checked directly. Pure.

RFC 3412 (message), RFC 3414 (USM: key localisation, HMAC digests, discovery),
RFC 7860 (HMAC-SHA-2), RFC 3826 (AES-128 CFB privacy). pysnmp spends most of a v3
exchange building pyasn1 objects; this module does the same work over bytes so a
1,100-device v3 network costs little CPU. DES and AES-192/256 (whose key extension
differs between vendors) stay with pysnmp (`pysnmp_v3.py`).
"""

from __future__ import annotations

import hashlib
import hmac
from time import monotonic
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

try:  # CFB moved to the "decrepit" package in cryptography 47; SNMP still needs it (RFC 3826)
    from cryptography.hazmat.decrepit.ciphers.modes import CFB
except ImportError:  # pragma: no cover - older cryptography
    from cryptography.hazmat.primitives.ciphers.modes import CFB

from netops.snmp import ber

# auth protocol -> (hashlib name, MAC length in octets)
AUTH = {
    "MD5": ("md5", 12),
    "SHA": ("sha1", 12),
    "SHA224": ("sha224", 16),
    "SHA256": ("sha256", 24),
    "SHA384": ("sha384", 32),
    "SHA512": ("sha512", 48),
}
NATIVE_PRIV = {None, "AES"}

FLAG_AUTH, FLAG_PRIV, FLAG_REPORTABLE = 0x01, 0x02, 0x04
MAX_MESSAGE_SIZE = 65507
USM = 3

_USM_STATS = (1, 3, 6, 1, 6, 3, 15, 1, 1)
REPORTS = {
    _USM_STATS + (1, 0): "unsupported security level",
    _USM_STATS + (2, 0): "not in time window",
    _USM_STATS + (3, 0): "unknown user name",
    _USM_STATS + (4, 0): "unknown engine id",
    _USM_STATS + (5, 0): "wrong digest (wrong auth key or protocol)",
    _USM_STATS + (6, 0): "decryption error (wrong privacy key or protocol)",
}
NOT_IN_TIME_WINDOW = _USM_STATS + (2, 0)
UNKNOWN_ENGINE_ID = _USM_STATS + (4, 0)


@lru_cache(maxsize=1024)
def password_to_key(password: bytes, hash_name: str) -> bytes:
    """RFC 3414 A.2: hash one megabyte of the repeated password."""
    if not password:
        raise ValueError("empty SNMPv3 password")
    count = 1_048_576
    stream = (password * (count // len(password) + 1))[:count]
    return hashlib.new(hash_name, stream).digest()


@lru_cache(maxsize=4096)
def localize(password: bytes, hash_name: str, engine_id: bytes) -> bytes:
    key = password_to_key(password, hash_name)
    return hashlib.new(hash_name, key + engine_id + key).digest()


@dataclass(frozen=True)
class UsmUser:
    """A user's name and passwords with the protocols to use them."""

    name: bytes
    auth: str | None = None  # key of AUTH
    auth_password: bytes = b""
    priv: str | None = None  # "AES"
    priv_password: bytes = b""

    @property
    def flags(self) -> int:
        return (FLAG_AUTH if self.auth else 0) | (FLAG_PRIV if self.priv else 0)


@dataclass(frozen=True)
class LocalKeys:
    auth_key: bytes = b""
    priv_key: bytes = b""


def local_keys(user: UsmUser, engine_id: bytes) -> LocalKeys:
    if not user.auth:
        return LocalKeys()
    hash_name = AUTH[user.auth][0]
    auth_key = localize(user.auth_password, hash_name, engine_id)
    priv_key = localize(user.priv_password, hash_name, engine_id)[:16] if user.priv else b""
    return LocalKeys(auth_key, priv_key)


TIME_WINDOW = 150  # seconds (RFC 3414 3.2 step 7)
MAX_BOOTS = 2**31 - 1


@dataclass
class Engine:
    """The agent's (authoritative) engine as last seen: id, boots and a time estimate.

    `trusted` turns true with the first authenticated message: from then on the engine id is
    pinned and every authenticated message must fall inside the time window.
    """

    engine_id: bytes
    boots: int = 0
    time: int = 0
    synced_at: float = field(default_factory=monotonic)
    latest_received: int = 0
    trusted: bool = False

    def now(self) -> int:
        return min(self.time + int(monotonic() - self.synced_at), MAX_BOOTS)

    def sync(self, boots: int, engine_time: int) -> None:
        self.boots, self.time, self.synced_at = boots, engine_time, monotonic()
        self.latest_received = engine_time

    def time_window_error(self, boots: int, engine_time: int) -> str | None:
        """RFC 3414 3.2 step 7b (non-authoritative side) for an authenticated message.

        Later boots/time update our notion of the agent's clock; a message from before it
        (a replay) is refused. Returns why the message is outside the window, or None.
        The first authenticated message sets the clock: discovery's values were not
        authenticated, so they must not be able to lock the real agent out.
        """
        if not self.trusted:
            self.sync(boots, engine_time)
            self.trusted = True
        elif boots > self.boots or (boots == self.boots and engine_time > self.latest_received):
            self.sync(boots, engine_time)
        if self.boots >= MAX_BOOTS:
            return "engine boots latched at 2^31-1"
        if boots < self.boots:
            return f"engine boots {boots} is before the agent's {self.boots}"
        if boots == self.boots and engine_time < self.now() - TIME_WINDOW:
            return f"engine time {engine_time} s is more than {TIME_WINDOW} s before the agent's {self.now()} s"
        return None


@dataclass(frozen=True)
class Message:
    msg_id: int
    flags: int
    engine_id: bytes
    boots: int
    time: int
    user: bytes
    pdu_type: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[ber.Varbind]

    @property
    def report(self) -> str | None:
        if self.pdu_type != ber.REPORT:
            return None
        oid = self.varbinds[0][0] if self.varbinds else ()
        return REPORTS.get(oid, f"report {ber.format_oid(oid)}" if oid else "empty report")


def _aes(key: bytes, iv: bytes, data: bytes, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.AES(key), CFB(iv))
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def encode_discovery(msg_id: int, pdu: bytes) -> bytes:
    """The unauthenticated probe that makes an agent reveal its engine id, boots and time."""
    security = ber.encode_sequence(
        ber.encode_octets(b""), ber.encode_integer(0), ber.encode_integer(0),
        ber.encode_octets(b""), ber.encode_octets(b""), ber.encode_octets(b""),
    )
    header = ber.encode_sequence(ber.encode_integer(msg_id), ber.encode_integer(MAX_MESSAGE_SIZE),
                                 ber.encode_octets(bytes((FLAG_REPORTABLE,))), ber.encode_integer(USM))
    scoped = ber.encode_sequence(ber.encode_octets(b""), ber.encode_octets(b""), pdu)
    return ber.encode_sequence(ber.encode_integer(3), header, ber.encode_octets(security), scoped)


def encode_request(
    msg_id: int, engine: Engine, user: UsmUser, keys: LocalKeys, pdu: bytes, context: bytes, salt: int
) -> bytes:
    """An authenticated (and, with privacy, encrypted) request to a discovered engine."""
    boots, engine_time = engine.boots, engine.now()
    scoped = ber.encode_sequence(ber.encode_octets(engine.engine_id), ber.encode_octets(context), pdu)
    priv_params = b""
    if user.priv:
        priv_params = salt.to_bytes(8, "big")
        iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + priv_params
        msg_data = ber.encode_octets(_aes(keys.priv_key, iv, scoped, True))
    else:
        msg_data = scoped
    mac_len = AUTH[user.auth][1] if user.auth else 0
    before_auth = (ber.encode_octets(engine.engine_id) + ber.encode_integer(boots)
                   + ber.encode_integer(engine_time) + ber.encode_octets(user.name))
    auth_tlv = ber.encode_octets(b"\x00" * mac_len)
    priv_tlv = ber.encode_octets(priv_params)
    security = ber.encode_sequence(before_auth, auth_tlv, priv_tlv)
    header = ber.encode_sequence(ber.encode_integer(msg_id), ber.encode_integer(MAX_MESSAGE_SIZE),
                                 ber.encode_octets(bytes((FLAG_REPORTABLE | user.flags,))), ber.encode_integer(USM))
    version = ber.encode_integer(3)
    wrapped = ber.encode_octets(security)
    message = ber.encode_sequence(version, header, wrapped, msg_data)
    if not user.auth:
        return message
    # Where the zeroed digest sits: after each enclosing header and the fields before it.
    outer_header = len(message) - len(version) - len(header) - len(wrapped) - len(msg_data)
    wrapped_header = len(wrapped) - len(security)
    security_header = len(security) - len(before_auth) - len(auth_tlv) - len(priv_tlv)
    offset = (outer_header + len(version) + len(header) + wrapped_header + security_header
              + len(before_auth) + len(auth_tlv) - mac_len)
    mac = hmac.new(keys.auth_key, message, AUTH[user.auth][0]).digest()[:mac_len]
    return message[:offset] + mac + message[offset + mac_len:]


def decode(data: bytes, user: UsmUser | None, keys: LocalKeys | None) -> Message:
    """Decode a v3 message; verify its digest and decrypt it when its flags say so.

    Without keys (discovery) only unauthenticated messages decode. Anything that fails a
    check raises BerError, so a forged or corrupted datagram is dropped, never trusted.
    """
    try:
        return _decode(data, user, keys)
    except ber.BerError:
        raise
    except (IndexError, ValueError, TypeError) as exc:
        raise ber.BerError(f"bad SNMPv3 message: {exc}") from None


def _octets(data: bytes, pos: int, end: int) -> tuple[int, int]:
    tag, start, stop = ber.header(data, pos, end)
    if tag != ber.OCTET_STRING:
        raise ber.BerError("expected OCTET STRING")
    return start, stop


def _decode(data: bytes, user: UsmUser | None, keys: LocalKeys | None) -> Message:
    tag, pos, end = ber.header(data, 0, len(data))
    if tag != ber.SEQUENCE:
        raise ber.BerError("message is not a SEQUENCE")
    version, pos = ber.integer(data, pos, end)
    if version != 3:
        raise ber.BerError("not an SNMPv3 message")
    tag, hpos, pos = ber.header(data, pos, end)
    if tag != ber.SEQUENCE:
        raise ber.BerError("expected header SEQUENCE")
    msg_id, hpos = ber.integer(data, hpos, pos)
    _, hpos = ber.integer(data, hpos, pos)
    fstart, hpos = _octets(data, hpos, pos)
    flags = data[fstart] if hpos > fstart else 0
    model, _ = ber.integer(data, hpos, pos)
    if model != USM:
        raise ber.BerError("not a USM message")
    sstart, pos = _octets(data, pos, end)
    tag, spos, send = ber.header(data, sstart, pos)
    if tag != ber.SEQUENCE:
        raise ber.BerError("expected USM parameters")
    estart, eend = _octets(data, spos, send)
    boots, spos = ber.integer(data, eend, send)
    engine_time, spos = ber.integer(data, spos, send)
    ustart, uend = _octets(data, spos, send)
    astart, aend = _octets(data, uend, send)
    pstart, pend = _octets(data, aend, send)
    engine_id, name = data[estart:eend], data[ustart:uend]

    if flags & FLAG_AUTH:
        if user is None or keys is None or not user.auth or name != user.name:
            raise ber.BerError("authenticated message for an unknown user")
        hash_name, mac_len = AUTH[user.auth]
        if aend - astart != mac_len:
            raise ber.BerError("digest of the wrong length")
        zeroed = data[:astart] + b"\x00" * mac_len + data[aend:]
        expected = hmac.new(keys.auth_key, zeroed, hash_name).digest()[:mac_len]
        if not hmac.compare_digest(expected, data[astart:aend]):
            raise ber.BerError("wrong digest")
    elif flags & FLAG_PRIV:
        raise ber.BerError("privacy without authentication")

    if flags & FLAG_PRIV:
        if not user or not user.priv or keys is None:
            raise ber.BerError("encrypted message but no privacy key")
        cstart, cend = _octets(data, pos, end)
        if pend - pstart != 8:
            raise ber.BerError("bad privacy parameters")
        iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + data[pstart:pend]
        scoped = _aes(keys.priv_key, iv, data[cstart:cend], False)
        spos, send = 0, len(scoped)
    else:
        scoped, spos, send = data, pos, end
    tag, spos, send = ber.header(scoped, spos, send)
    if tag != ber.SEQUENCE:
        raise ber.BerError("expected scoped PDU")
    _, spos = _octets(scoped, spos, send)
    _, spos = _octets(scoped, spos, send)
    pdu_type, request_id, status, index, varbinds = ber.decode_pdu(scoped, spos, send)
    return Message(msg_id, flags, engine_id, boots, engine_time, name, pdu_type, request_id, status, index, varbinds)
