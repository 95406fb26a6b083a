"""How API callers prove who they are.

DRF imports this module while it defines APIView (DEFAULT_AUTHENTICATION_CLASSES is read in the
class body), so it must not import rest_framework.views or anything built on it: the token view
that issues these tokens lives in xiaobao/core/api.py for that reason.
"""

from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`, the form other departments' systems send."""

    keyword = "Bearer"
