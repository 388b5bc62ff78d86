from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ballast.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from ballast.audit import receivers

        receivers.connect_lockout()
