"""SNMPv3 through pysnmp's hlapi (MIB lookup off): the path for DES and AES-192/256.

netops speaks SHA/SHA-2/MD5 with AES-128 itself (`usm.py`); privacy protocols whose key
extension differs between vendors go through pysnmp, which implements them all. One
SnmpEngine is shared by these targets. Responses become the same plain varbinds.
"""

from __future__ import annotations

from pysnmp.hlapi.v3arch import asyncio as hlapi
from pysnmp.proto.rfc1902 import ObjectName
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from netops.snmp import ber
from netops.snmp.errors import SnmpAuthError, SnmpProtocolError, SnmpTimeout
from netops.snmp.target import SnmpTarget

_AUTH = {
    None: hlapi.usmNoAuthProtocol,
    "MD5": hlapi.usmHMACMD5AuthProtocol,
    "SHA": hlapi.usmHMACSHAAuthProtocol,
    "SHA224": hlapi.usmHMAC128SHA224AuthProtocol,
    "SHA256": hlapi.usmHMAC192SHA256AuthProtocol,
    "SHA384": hlapi.usmHMAC256SHA384AuthProtocol,
    "SHA512": hlapi.usmHMAC384SHA512AuthProtocol,
}
# AES192/256 as net-snmp and most vendors implement them (Blumenthal key extension).
_PRIV = {
    None: hlapi.usmNoPrivProtocol,
    "DES": hlapi.usmDESPrivProtocol,
    "AES": hlapi.usmAesCfb128Protocol,
    "AES192": hlapi.usmAesBlumenthalCfb192Protocol,
    "AES256": hlapi.usmAesBlumenthalCfb256Protocol,
}

def _tag(value) -> int:  # noqa: ANN001
    tag = value.tagSet.superTags[-1]
    return tag.tagClass | tag.tagFormat | tag.tagId


def to_varbind(name, value) -> ber.Varbind:  # noqa: ANN001
    oid = tuple(name)
    if isinstance(value, (NoSuchObject, NoSuchInstance, EndOfMibView)):
        return oid, _tag(value), None
    tag = _tag(value)
    if tag == ber.INTEGER or tag in ber.UNSIGNED:
        return oid, tag, int(value)
    if tag == ber.OBJECT_IDENTIFIER:
        return oid, tag, tuple(value)
    if tag == ber.NULL:
        return oid, tag, None
    return oid, tag, value.asOctets()


def _check(error_indication, error_status, error_index, where: str) -> None:  # noqa: ANN001
    if error_indication:
        text = str(error_indication)
        if "timed out" in text.lower() or "timeout" in text.lower():
            raise SnmpTimeout(f"no response from {where} ({text})")
        raise SnmpAuthError(f"SNMPv3 error from {where}: {text}")
    if error_status:
        raise SnmpProtocolError(
            f"agent {where} returned error-status {error_status.prettyPrint()} at index {error_index}",
            status=int(error_status),
        )


class V3Session:
    def __init__(self, engine: hlapi.SnmpEngine, user: hlapi.UsmUserData, transport, context: str, where: str) -> None:  # noqa: ANN001
        self._engine = engine
        self._user = user
        self._transport = transport
        self._context = hlapi.ContextData(contextName=context.encode())
        self._where = where

    @staticmethod
    def _objects(oids: list[ber.Oid]) -> list:
        return [hlapi.ObjectType(hlapi.ObjectIdentity(ObjectName(oid))) for oid in oids]

    async def get(self, oids: list[ber.Oid]) -> list[ber.Varbind]:
        ind, status, index, varbinds = await hlapi.get_cmd(
            self._engine, self._user, self._transport, self._context, *self._objects(oids), lookupMib=False
        )
        _check(ind, status, index, self._where)
        return [to_varbind(name, value) for name, value in varbinds]

    async def bulk(self, oids: list[ber.Oid], max_repetitions: int) -> list[ber.Varbind]:
        ind, status, index, varbinds = await hlapi.bulk_cmd(
            self._engine, self._user, self._transport, self._context, 0, max_repetitions,
            *self._objects(oids), lookupMib=False,
        )
        _check(ind, status, index, self._where)
        return [to_varbind(name, value) for name, value in varbinds]


class V3Engine:
    """The process's pysnmp engine for v3 targets."""

    def __init__(self) -> None:
        self.engine = hlapi.SnmpEngine()

    async def session(self, target: SnmpTarget, address: tuple[str, int]) -> V3Session:
        auth = target.auth
        user = hlapi.UsmUserData(
            auth.username,
            authKey=auth.auth_key.get_secret_value() if auth.auth_key else None,
            privKey=auth.priv_key.get_secret_value() if auth.priv_key else None,
            authProtocol=_AUTH[auth.auth_protocol],
            privProtocol=_PRIV[auth.priv_protocol],
        )
        transport = await hlapi.UdpTransportTarget.create(
            address, timeout=target.timeout, retries=target.retries
        )
        return V3Session(self.engine, user, transport, auth.context, target.endpoint)

    def close(self) -> None:
        try:
            self.engine.close_dispatcher()
        except Exception:  # noqa: BLE001 - closing a half-started engine must not raise
            pass
