"""Authentication errors: who are you (401) and what you may do (403)."""

from __future__ import annotations

from pnplive.errors import Forbidden, PnpError


class Unauthenticated(PnpError):
    """No credentials, or credentials that do not prove anything."""

    code = "unauthenticated"
    status = 401


class InvalidInitData(Unauthenticated):
    code = "invalid_init_data"


class ExpiredInitData(Unauthenticated):
    code = "init_data_expired"


class InvalidToken(Unauthenticated):
    code = "invalid_token"


class RoleRequired(Forbidden):
    """The caller is known but their role does not allow this."""

    code = "role_required"
