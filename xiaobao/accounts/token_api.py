"""POST /api/v1/auth/token: a username, a password and, for accounts with a second factor, its code, for an
expiring API token named for the system that will use it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xiaobao.accounts.models import User
from xiaobao.accounts.tokens import api_token_issue
from xiaobao.accounts.two_factor import has_second_factor, second_factor_check
from xiaobao.core.api import ErrorSerializer
from xiaobao.core.signin import address_refusal, refusal_of

UNNAMED_SYSTEM = "默认"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document names the Bearer token; defined here, where the schema generator has loaded
    it by the time it runs, since the authentication class's module may not import the schema machinery."""

    target_class = "xiaobao.accounts.api.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's username-and-password check (its messages ship in Chinese and English), with the second factor
    and the name of the system the token is for."""

    # DRF's username field has no length limit; an overlong name would reach the lockout's 255-character column.
    username = serializers.CharField(label=_("用户名"), write_only=True, max_length=150)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("两步验证码：验证器应用上的 6 位数字，或一个恢复码；工作人员账户必填"),
    )
    name = serializers.CharField(
        required=False,
        max_length=100,
        write_only=True,
        help_text=_("使用令牌的系统或设备的名称；同名的旧令牌被替换"),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("在后续请求的 Authorization 头中使用：Bearer <token>；只显示这一次"))
    name = serializers.CharField(help_text=_("令牌的名称"))
    expires_at = serializers.DateTimeField(help_text=_("到期时间，过期后须重新获取"))


def _second_factor_refused(message: str) -> Response:
    # 401, like a token that opens nothing: the caller must authenticate again, with the code.
    return Response(
        {"detail": message, "errors": {"otp": [message]}},
        status=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


class TokenView(APIView):
    """Credentials for a Bearer token, the one other systems then send."""

    # The credentials are in the body: no session (so no CSRF check) and no token are needed here.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary=_("获取接口令牌"),
        description=_(
            "用户名和密码（工作人员账户还须两步验证码 otp）换取令牌。令牌按安全策略的有效期到期；"
            "每次获取都得到新令牌，同名的旧令牌作废；修改密码或停用账户时该用户的令牌全部作废。"
            "按来源 IP 限制频率。"
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("用户名或密码错误")),
            401: OpenApiResponse(
                ErrorSerializer,
                description=_("缺少两步验证码或验证码不正确：errors 中的 otp 说明原因"),
                examples=[
                    OpenApiExample(
                        "otp",
                        value={"detail": "请填写两步验证码。", "errors": {"otp": ["请填写两步验证码。"]}},
                    )
                ],
            ),
            403: OpenApiResponse(ErrorSerializer, description=_("账户已锁定（Retry-After 头给出秒数）")),
            429: OpenApiResponse(ErrorSerializer, description=_("尝试过于频繁")),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        # The same per-address limit and per-account lockout as the login page.
        refusal = address_refusal(request._request)
        if refusal is not None:
            raise refusal.api_error()
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            refusal = refusal_of(request)
            if refusal is not None:
                raise refusal.api_error()
            raise exceptions.ValidationError(serializer.errors)
        user: User = serializer.validated_data["user"]
        if user.needs_second_factor or has_second_factor(user):
            if not has_second_factor(user):
                return _second_factor_refused(str(_("该账户须先在网页上登录并设置两步验证，才能获取接口令牌。")))
            code = serializer.validated_data.get("otp", "")
            if not code:
                return _second_factor_refused(str(_("请填写两步验证码。")))
            if second_factor_check(user=user, code=code) is None:
                return _second_factor_refused(str(_("两步验证码不正确或已过期。")))
        token, key = api_token_issue(user=user, name=serializer.validated_data.get("name") or UNNAMED_SYSTEM)
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at})
