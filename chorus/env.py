"""Read settings from the environment, failing loudly on bad values.

Every helper names the variable in its error, so that a mis-set deployment
stops at start-up with a message an operator can act on.
"""

from __future__ import annotations

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ImproperlyConfigured(
                f"{name} is not set. Set the {name} environment variable "
                "(see docs/deploying.md), or set CHORUS_MODE=local to run on this "
                "machine with the embedded defaults."
            )
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (also accepted: 1/0, yes/no, on/off), not {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ImproperlyConfigured(
                f"{name} is not set. Give a comma-separated list, for example {name}=chorus.example.gov.uk."
            )
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def env_colour(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    if not _HEX_COLOUR.match(value):
        raise ImproperlyConfigured(
            f"{name} must be a colour written as # and six hex digits, like #1d70b8, not {value!r}."
        )
    return value.lower()


def env_allowed_hosts(name: str) -> list[str]:
    hosts = env_list(name)
    if "*" in hosts:
        raise ImproperlyConfigured(f"{name} must not contain '*': name the host names Chorus is served on.")
    return hosts
