"""The reads every signed-in page makes, written once per process (issue 12, point 4).

Each page reads the session and the signed-in user before it reads anything of its own
(and the menu's badge, `core.notifications.unread_count`, written the same way). Through
the ORM each of these one-row statements costs more Python to build and compile than the
database needs to run it (~0.45 ms against ~0.15 ms on the benchmark machine); on a list
page the three were a sixth of the request. Here they are fixed statements from the
models' metadata, run through `core.rawsql` (prepared on PostgreSQL, converted as the ORM
converts), with the same results and the same rules:

- `SessionStore` (SESSION_ENGINE "core.request_reads"): Django's database sessions; only
  the read of an unexpired session is replaced.
- `UserBackend` (AUTHENTICATION_BACKENDS): Django's ModelBackend; only `get_user` (the
  signed-in user of each request) is replaced — an inactive user is still refused.
  Sessions signed in through the former backend's path are no longer honoured: after the
  deploy that brought it, everybody signs in once more.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db as db_sessions
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from . import rawsql


class SessionStore(db_sessions.SessionStore):
    """Django's database session store with the read of the session as a fixed statement."""

    def _get_session_from_db(self) -> Session | None:
        if self.session_key is None:
            return None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = rawsql.fetch(_session_sql(), [self.session_key, now])
        if not rows:
            self._session_key = None
            return None
        # only the data is read by load(); the key is the one asked for
        return Session(session_key=self.session_key, session_data=rows[0][0])


@functools.cache
def _session_sql() -> str:
    key, data, expires = (
        rawsql.column(Session, f) for f in ("session_key", "session_data", "expire_date")
    )
    return (
        f"SELECT {data} FROM {rawsql.table(Session)} "  # noqa: S608 (names from the model)
        f"WHERE {key} = %s AND {expires} > %s"
    )


class UserBackend(ModelBackend):
    """Django's ModelBackend; the user of each request is read by a fixed statement."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        fields = _user_fields()
        rows = rawsql.fetch(_user_sql(), [pk])
        if not rows:
            return None
        user = rawsql.load(model, fields, rows)[0]
        return user if self.user_can_authenticate(user) else None


@functools.cache
def _user_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in get_user_model()._meta.concrete_fields)


@functools.cache
def _user_sql() -> str:
    model = get_user_model()
    return (
        f"SELECT {rawsql.columns(model, _user_fields())} FROM {rawsql.table(model)} "  # noqa: S608
        f"WHERE {rawsql.column(model, model._meta.pk.name)} = %s"
    )
