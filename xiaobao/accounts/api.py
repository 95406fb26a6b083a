"""How API callers prove who they are.

DRF imports this module while it defines APIView (DEFAULT_AUTHENTICATION_CLASSES is read in the
class body), so it must not import rest_framework.views or anything built on it, nor models before the
apps are loaded: the token view that issues these tokens lives in xiaobao/accounts/token_api.py.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`, the form other departments' systems send.

    An unknown, revoked or expired token, or one of a deactivated account, answers 401 alike."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确：应为 Authorization: Bearer <token>。"))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期。")) from None
        from xiaobao.accounts.tokens import api_token_for_key

        token = api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期。"))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
