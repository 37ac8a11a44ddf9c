"""Shared bits of the `fupin assistance` / `fupin rectification` commands."""

from __future__ import annotations

from fupin.accounts.actors import Actor, SystemActor, cli_actor

SystemUser = SystemActor  # the name older code uses


def cli_user(username: str | None) -> Actor:
    return cli_actor(username)
