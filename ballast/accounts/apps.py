from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ballast.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        # in ready(): the policy and the signal receivers use the models
        from ballast.accounts import policy, signals  # noqa: F401
        from ballast.core import access

        access.register(policy.restrict)
