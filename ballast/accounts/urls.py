"""Account pages: the security administrator's, and everyone's password and 2FA."""

from django.urls import path

from ballast.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("<int:pk>/activate/", views.user_activate, name="user_activate"),
    path("<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("<int:pk>/2fa-reset/", views.user_otp_reset, name="user_otp_reset"),
    path("locks/", views.locks, name="locks"),
    path("locks/unlock/", views.unlock_address, name="unlock_address"),
    path("settings/", views.security_settings, name="security_settings"),
    path("me/password/", views.password_change, name="password_change"),
    path("me/2fa/", views.otp_enrol, name="otp_enrol"),
    path("me/2fa/verify/", views.otp_verify, name="otp_verify"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
