from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "ballast.coordination"
    label = "coordination"
    verbose_name = "服务与督查"

    def ready(self):
        # Join the warnings command with the rule issue_overdue (ballast.alerts registry);
        # in ready(): the rule reads models, loaded only once the registry is ready.
        from ballast.coordination.rules import register_rules

        register_rules()
        # The weekly digest (inbox app) tells each person their open issues.
        from ballast.coordination.notifications import open_issues_line
        from ballast.inbox.services import register_digest_extra

        register_digest_extra(open_issues_line)
