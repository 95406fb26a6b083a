"""Notifications: telling people that something happened on a case, on every channel that reaches them.

A service says what to tell and to whom with one call, `notify(...)`; each channel decides whether the
notice concerns it and delivers it. The channels are registered by the apps that own their storage and
messages (the in-platform inbox, the complainant's e-mail and, after them, text messages are registered by
`complaints`; the texts go through `accounts`, which knows each account's verified number and whether its owner
wants notices by text), so this
layer imports no domain app. Adding a channel is one `channel_register` call and, when it needs an address the
notice does not carry yet, one more field on `Notice`.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# Names of the channels, in the order they are tried.
PLATFORM = "platform"  # the inbox of an account on the platform
EMAIL = "email"  # an address outside the platform, for a complainant without an account
SMS = "sms"  # a text to an account's verified number (by its owner's choice) or to a guest's given number


@dataclass(frozen=True)
class Notice:
    text: str
    # Accounts told in the platform (settings.AUTH_USER_MODEL instances).
    users: tuple[Any, ...] = ()
    # The case the notice is about (a complaint), linked from the inbox; None for a notice about no case.
    about: Any = None
    # An e-mail address outside the platform, and the case number the e-mail quotes and links to.
    email: str = ""
    reference: str = ""
    # A mobile number outside the platform: the number a guest complainant gave.
    phone: str = ""


Channel = Callable[[Notice], None]

_channels: dict[str, Channel] = {}


def channel_register(name: str, send: Channel) -> None:
    """Add (or replace) a channel; apps call it from AppConfig.ready()."""
    _channels[name] = send


def channel_remove(name: str) -> None:
    _channels.pop(name, None)


@contextmanager
def channels_held(*names: str) -> Iterator[None]:
    """Leave channels out for a while: the demo replays years of cases whose notices no phone should get."""
    saved = dict(_channels)
    for name in names:
        _channels.pop(name, None)
    try:
        yield
    finally:
        _channels.clear()
        _channels.update(saved)


def channels() -> list[str]:
    """The names of the channels registered, in the order they are tried."""
    return list(_channels)


def notify(
    text: str, *, users: Iterable[Any] = (), about: Any = None, email: str = "", reference: str = "", phone: str = ""
) -> Notice:
    """Tell people something on every registered channel. Call it inside the transaction of the change it
    reports: the in-platform notice is written with it, and outside channels send once it commits."""
    notice = Notice(text=text, users=tuple(users), about=about, email=email, reference=reference, phone=phone)
    for send in _channels.values():
        send(notice)
    return notice
