from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "ballast.coordination"
    label = "coordination"
    verbose_name = "服务与督查"

    def ready(self):
        # Join the warnings command with the rule issue_overdue (ballast.alerts registry).
        from ballast.coordination.rules import register_rules

        register_rules()
