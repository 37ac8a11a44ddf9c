"""Who acts: a signed-in user, or the system itself (jobs, commands, the demo).

There is no `None` actor: code that runs without a person passes `SystemActor`, which is
unrestricted in scope and is recorded in history as the system (no user row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union, cast

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

if TYPE_CHECKING:
    from .models import User


class SystemActor:
    """The unrestricted actor for jobs, command-line runs without --user, and the demo."""

    is_superuser = True
    is_authenticated = True
    is_active = True
    is_staff = False
    is_writer = True
    sees_personal_data = True
    is_system = True
    role = ""
    pk = None
    id = None
    username = "system"
    scope_codes: tuple[str, ...] = ()

    def __init__(self, reason: str = "") -> None:
        self.reason = reason  # e.g. "fupin cases escalate", shown in logs

    def __str__(self) -> str:
        return f"系统（{self.reason}）" if self.reason else "系统"

    def __repr__(self) -> str:
        return f"SystemActor({self.reason!r})"


SYSTEM = SystemActor()

Actor = Union["User", SystemActor]


def is_system(actor: object) -> bool:
    """A system action: a SystemActor. `None` is not an actor and is never the system."""
    return isinstance(actor, SystemActor)


def check_actor(actor: object) -> None:
    """Refuse a missing actor: there is no "None means the system, skip the checks"."""
    if actor is None:
        raise TypeError("actor is required: pass the user, or SystemActor(reason) for jobs, "
                        "commands and the demo")


def history_user(actor: object) -> User | None:
    """The user to record in history: None for the system."""
    return None if is_system(actor) or getattr(actor, "pk", None) is None else actor  # type: ignore[return-value]


def actor_of(request: Any) -> Actor:
    """The signed-in user of a request as the acting person; pages and the API require a
    login, so an anonymous user here is refused rather than passed on."""
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    return cast("Actor", user)


def cli_actor(username: str | None, reason: str = "command line") -> Actor:
    """The actor of a command: the named active user, or the system when none is given."""
    from .models import User

    if not username:
        return SystemActor(reason)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户“{username}”不存在或已停用")
    return user
