"""Where the platform may send a webhook: to receivers on the internet, never to this machine or the
bank's own networks. A webhook address is typed by a person (the DPO, a third party's registration); if
it could name 169.254.169.254 (the cloud's metadata service), Redis on 127.0.0.1 or an internal admin
page, the platform would call it from inside the bank (server-side request forgery).

Checked twice, by the same rule (`address_is_public`):
- when an address is saved (`integrations.webhooks.webhook_url_check`): an IP literal, or a name that
  resolves, to a non-public address is refused (a name that does not resolve yet is accepted: it is
  checked again at each delivery);
- at each delivery (`public_connection`): the name is resolved again and the connection is made only to
  an address just checked, so a name that answers differently in between (DNS rebinding) cannot reach
  inside.

`WEBHOOK_ALLOW_PRIVATE_ADDRESSES` (off unless set) lets both through: the demo's and the test suite's
receivers listen on 127.0.0.1.
"""
from __future__ import annotations

import ipaddress
import socket

from django.conf import settings

# NAT64's well-known prefix (RFC 6052) carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressNotPublic(OSError):
    """A delivery refused: the receiver's name leads to this machine or a private network."""


def _carried(address: IPAddress) -> list[IPAddress]:
    """The address and the IPv4 addresses an IPv6 one carries (IPv4-mapped, 6to4, Teredo, NAT64): where
    a packet to it ends up."""
    if address.version == 4:
        return [address]
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    carried: list[IPAddress] = [address]
    if address.sixtofour is not None:
        carried.append(address.sixtofour)
    if address.teredo is not None:
        carried.extend(address.teredo)
    if address in _NAT64:
        carried.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return carried


def address_is_public(address: IPAddress) -> bool:
    """On the internet: not loopback, private, link-local, shared (100.64/10), reserved, multicast or
    unspecified, nor an IPv6 address carrying one of those."""
    return all(
        one.is_global
        and not (one.is_private or one.is_loopback or one.is_link_local or one.is_reserved
                 or one.is_multicast or one.is_unspecified)
        for one in _carried(address)
    )


def _resolve(host: str, port: int) -> list[tuple]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _not_public(found: list[tuple]) -> list[str]:
    """The addresses among `getaddrinfo` results that are not public; none when private addresses are
    allowed (`WEBHOOK_ALLOW_PRIVATE_ADDRESSES`)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return []
    return sorted({info[4][0] for info in found if not address_is_public(ipaddress.ip_address(info[4][0]))})


def private_addresses(host: str, port: int = 443) -> list[str]:
    """The non-public addresses `host` leads to now (an IP literal is itself); a name that does not
    resolve leads nowhere yet (none)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return []
    try:
        found = _resolve(host, port)
    except (OSError, UnicodeError):
        return []
    return _not_public(found)


def public_connection(address: tuple[str, int], timeout, source_address=None) -> socket.socket:
    """`socket.create_connection` for webhooks: resolve the name once, refuse it (`AddressNotPublic`)
    when any address it gives is not public, and connect to one of the addresses checked."""
    host, port = address
    found = _resolve(host, port)
    if _not_public(found):
        raise AddressNotPublic(f"{host} leads to a non-public address")
    error: OSError | None = None
    for info in found:
        try:
            # The checked address itself, so nothing resolves the name a second time.
            return socket.create_connection((info[4][0], port), timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError(f"{host} has no address")
