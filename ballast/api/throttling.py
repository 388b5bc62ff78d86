"""Rate limits per token (or per signed-in person for the browser's session, per address
for anonymous callers): BALLAST_API_RATE requests per period, then 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ballast.accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        # Read on every request (not once at import), so the setting can be changed.
        return settings.BALLAST_API_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            # The digest, not the row id: a token's count never passes to a later token.
            ident = f"token-{request.auth.digest[:24]}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
