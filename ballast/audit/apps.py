from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ballast.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        # in ready(): the receivers use the models, loaded only once the registry is ready
        from ballast.audit import receivers

        receivers.connect_lockout()
