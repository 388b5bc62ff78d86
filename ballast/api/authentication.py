"""Who calls the API: a personal token (``Authorization: Bearer bst_…``) for scripts and
neighbouring systems, or the browser's session (with CSRF) for pages that call it."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ballast.accounts import policy
from ballast.accounts.models import ApiToken
from ballast.accounts.services import token_digest, token_used
from ballast.core.history import client_address

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token: live (not expired, not revoked), of an active person whose
    role may hold one. Each use is noted (at most once a minute per token, audited)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 请求头格式不正确。"))
        secret = header[1].decode("latin-1")
        token = (
            ApiToken.objects.select_related("user", "user__region")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None or not token.is_live(timezone.now()):
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        user = token.user
        if not user.is_active or not policy.may(user, policy.VIEW, ApiToken):
            raise exceptions.AuthenticationFailed(_("该账户不能使用接口令牌。"))
        token_used(token=token, ip=client_address(request), request=request)
        return user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session; unsafe methods need the CSRF token (DRF's own check)."""
