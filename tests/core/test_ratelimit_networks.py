"""Limits count an IPv6 caller by its /64: one home can use a new address for every request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chorus.core import ratelimit

pytestmark = pytest.mark.django_db
PER = timedelta(minutes=10)


def test_new_addresses_from_one_ipv6_network_share_one_allowance() -> None:
    for host in range(1, 4):
        assert not ratelimit.hit("test", f"2001:db8:1:2::{host:x}", limit=3, per=PER)
    # A fourth request from yet another address in the same /64 is over the limit.
    assert ratelimit.hit("test", "2001:db8:1:2:ffff::9", limit=3, per=PER)
    # Another network is counted on its own.
    assert not ratelimit.hit("test", "2001:db8:1:3::1", limit=3, per=PER)


def test_ipv4_mapped_addresses_count_as_the_ipv4_address() -> None:
    for _ in range(3):
        ratelimit.record("test", "192.0.2.7", per=PER)
    assert ratelimit.reached("test", "::ffff:192.0.2.7", limit=3, per=PER)


def test_what_is_counted() -> None:
    assert ratelimit.counted_as("203.0.113.9") == "203.0.113.9"
    assert ratelimit.counted_as("2001:db8:aa:bb:1:2:3:4") == "2001:db8:aa:bb::/64"
    assert ratelimit.counted_as("someone@example.org") == "someone@example.org"
