"""Kinds of audit-trail records and where a change came from."""

from django.db import models


class Kind(models.TextChoices):
    """What an audit record is about (审计事件类型)."""

    CHANGE = "change", "数据变更"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账户锁定"
    UNLOCK = "unlock", "解除锁定"
    OTP = "2fa", "双因素认证"
    PASSWORD = "password", "密码"
    PERMISSION = "permission", "角色与权限"
    ACCOUNT = "account", "账户管理"
    EXPORT = "export", "数据导出"
    AUDIT = "audit", "审计管理"


# The kinds the login log shows (登录日志).
SIGN_IN_KINDS = (Kind.LOGIN, Kind.LOGOUT, Kind.LOGIN_FAILED, Kind.LOCKOUT, Kind.UNLOCK, Kind.OTP)


class Action(models.TextChoices):
    """What a change did to its object (the historical record's type)."""

    CREATED = "+", "新增"
    CHANGED = "~", "修改"
    DELETED = "-", "删除"


class Source(models.TextChoices):
    """The door a change came through (history_source)."""

    WEB = "web", "网页"
    ADMIN = "admin", "管理后台"
    IMPORT = "import", "导入"
    COMMAND = "command", "命令"
    API = "api", "接口"
    SYSTEM = "system", "系统"


def kind_of_security_event(kind: str) -> str:
    """The trail kind of a ``security_event`` kind word (``2fa_reset`` → 2fa, …)."""
    if kind in Kind.values:
        return kind
    word = kind.lower()
    if word.startswith(("2fa", "otp", "totp")):
        return Kind.OTP
    if word.startswith("password"):
        return Kind.PASSWORD
    if word.startswith(("role", "permission", "superuser", "group", "staff")):
        return Kind.PERMISSION
    if word.startswith("unlock"):
        return Kind.UNLOCK
    if word.startswith(("lock", "axes")):
        return Kind.LOCKOUT
    if word.startswith("export"):
        return Kind.EXPORT
    return Kind.ACCOUNT
