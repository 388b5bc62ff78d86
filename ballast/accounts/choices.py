from django.db import models


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", "市级管理员"
    CITY_REVIEWER = "city_reviewer", "市级审核"
    UNIT_CLERK = "unit_clerk", "板块填报员"
    UNIT_REVIEWER = "unit_reviewer", "板块审核员"
    DEPARTMENT = "department", "部门"
    LEADER = "leader", "领导"
    AUDITOR = "auditor", "审计员"
    ENTERPRISE = "enterprise", "企业"
    # The three administrators of 等保2.0 (三权分立): configuration, accounts, audit.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    # 省发改委 project office: reads every city of its province, compares them.
    PROVINCE_OFFICER = "province_officer", "省级（省发改委）"


CITY_ONLY_ROLES = (
    Role.CITY_ADMIN,
    Role.CITY_REVIEWER,
    Role.AUDITOR,
    Role.DEPARTMENT,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
)
# The administrators of 三权分立: no person holds two of these, nor one of these and a
# business role (a user has exactly one role).
ADMINISTRATOR_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
UNIT_ONLY_ROLES = (Role.UNIT_CLERK, Role.UNIT_REVIEWER)
# Roles held at a province (the region is a province: scope is every city in it).
PROVINCE_ONLY_ROLES = (Role.PROVINCE_OFFICER,)
