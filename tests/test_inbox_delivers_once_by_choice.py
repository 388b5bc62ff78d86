"""The inbox (issue 13, item 7): a notification per event and person, shown in the inbox
with the unread badge in the header; each person chooses per kind whether it is also
e-mailed or sent by the messenger; each channel sends exactly once, even from two
machines; the messenger's webhook backend really POSTs (to a local server here); the
API lists one's own notifications and marks them read."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballast.accounts.models import User
from ballast.inbox import services
from ballast.inbox.choices import Delivery, Kind
from ballast.inbox.models import Notification


@pytest.fixture
def mailed(people):
    for user in User.objects.all():
        user.email = f"{user.username}@example.cn"
        user.save()
    return people


class _Hook(BaseHTTPRequestHandler):
    received: list  # set per server
    status = 200

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        self.server.received.append((dict(self.headers), self.rfile.read(length)))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(settings):
    """A local HTTP server standing for the city's messenger gateway (bounded: it serves
    until the test ends, on 127.0.0.1 only)."""
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.BALLAST_MESSENGER = "webhook"
    settings.BALLAST_MESSENGER_URL = f"http://127.0.0.1:{server.server_port}/hook"
    settings.BALLAST_MESSENGER_SECRET = "s3cret"
    settings.BALLAST_MESSENGER_TIMEOUT = 2
    yield server
    server.shutdown()
    server.server_close()


def _tell(people_list, key="issue:1:assigned", kind=Kind.ISSUE):
    return services.notify(
        recipients=people_list, kind=kind, subject="【问题交办】测试项目：土地指标",
        body="请受理。", link="/coordination/issues/1/", dedupe_key=key, event="issue_assigned",
    )  # fmt: skip


def test_one_notification_per_event_and_person(mailed):
    clerk, dept = mailed["clerk_a"], mailed["department"]
    made = _tell([clerk, dept, clerk])
    assert [n.recipient for n in made] == [clerk, dept]
    assert _tell([clerk, dept]) == []  # the same event again: nothing new
    assert Notification.objects.count() == 2
    assert made[0].dedupe_key == f"issue:1:assigned:u{clerk.pk}"
    with pytest.raises(ValueError):
        services.notify(recipients=[clerk], kind="gossip", subject="x", dedupe_key="k")


def test_each_person_chooses_the_delivery_per_kind(mailed):
    clerk, dept = mailed["clerk_a"], mailed["department"]
    services.preferences_set(user=clerk, choices={Kind.ISSUE: Delivery.INAPP})
    _tell([clerk, dept])
    now = timezone.now()
    assert services.deliver_email(now=now) == 1  # the department officer only
    assert [m.to for m in mail.outbox] == [["dept@example.cn"]]
    assert "http://127.0.0.1:8000/coordination/issues/1/" in mail.outbox[0].body
    assert services.deliver_email(now=now + timedelta(minutes=1)) == 0  # once
    # the clerk still has it in the inbox
    assert Notification.objects.restrict(clerk).get().email_wanted is False
    # other kinds keep the default (e-mail too)
    _tell([clerk], key="report:9:returned", kind=Kind.REPORT_RETURNED)
    assert services.deliver_email(now=now + timedelta(minutes=2)) == 1
    assert mail.outbox[-1].to == ["clerk_a@example.cn"]


def test_the_webhook_messenger_posts_each_notification_once(mailed, webhook):
    clerk = mailed["clerk_a"]
    services.preferences_set(user=clerk, choices={Kind.ISSUE: Delivery.MESSENGER})
    (notification,) = _tell([clerk])
    now = timezone.now()
    candidates = [notification.pk]
    # two machines holding the same list: one send
    assert services.deliver_messages(now=now, candidates=candidates) == 1
    assert services.deliver_messages(now=now, candidates=candidates) == 0
    assert services.deliver_messages(now=now + timedelta(minutes=1)) == 0
    assert services.deliver_email(now=now) == 0  # the messenger instead of the e-mail
    ((headers, body),) = webhook.received
    payload = json.loads(body)
    assert payload["to"]["username"] == "clerk_a"
    assert payload["subject"] == "【问题交办】测试项目：土地指标"
    assert payload["link"] == "http://127.0.0.1:8000/coordination/issues/1/"
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Ballast-Signature"] == f"sha256={expected}"


def test_a_failing_gateway_is_retried_on_the_next_run(mailed, webhook):
    clerk = mailed["clerk_a"]
    services.preferences_set(user=clerk, choices={Kind.ISSUE: Delivery.MESSENGER})
    (notification,) = _tell([clerk])
    webhook.status = 500
    assert services.deliver_messages(now=timezone.now()) == 0
    notification.refresh_from_db()
    assert notification.messaged_at is None  # the claim was released
    webhook.status = 200
    assert services.deliver_messages(now=timezone.now()) == 1
    assert len(webhook.received) == 2


def test_the_header_shows_the_unread_count_and_the_inbox_reads(mailed):
    clerk = mailed["clerk_a"]
    first, second = _tell([clerk]) + _tell([clerk], key="issue:2:assigned")
    _tell([mailed["clerk_b"]], key="issue:3:assigned")  # someone else's
    client = Client()
    client.force_login(clerk)
    home = client.get(reverse("projects:project_list")).content.decode()
    assert 'data-testid="inbox-badge"' in home and ">2</span>" in home
    opened = client.post(reverse("inbox:notification", args=[first.pk]))
    assert opened["Location"] == "/coordination/issues/1/"
    first.refresh_from_db()
    assert first.read_at is not None
    page = client.get(reverse("inbox:inbox")).content.decode()
    assert page.count("【问题交办】测试项目：土地指标") == 2
    assert 'data-testid="inbox-unread">1<' in page
    other = Notification.objects.get(recipient=mailed["clerk_b"])
    assert client.get(reverse("inbox:notification", args=[other.pk])).status_code == 404
    assert client.post(reverse("inbox:notification", args=[other.pk])).status_code == 404
    client.post(reverse("inbox:mark_all_read"))
    second.refresh_from_db()
    other.refresh_from_db()
    assert second.read_at is not None and other.read_at is None
    assert 'data-testid="inbox-badge"' not in client.get(reverse("inbox:inbox")).content.decode()


def test_the_preferences_page_saves_the_choice(mailed):
    client = Client()
    client.force_login(mailed["leader_a"])
    choice = {k: Delivery.EMAIL for k in Kind.values} | {Kind.RED_WARNING: Delivery.INAPP}
    assert client.post(reverse("inbox:preferences"), choice).status_code == 302
    assert services.deliveries_for(mailed["leader_a"])[Kind.RED_WARNING] == Delivery.INAPP
    assert services.deliveries_for(mailed["leader_a"])[Kind.DIGEST] == Delivery.EMAIL


def test_the_api_lists_my_notifications_and_marks_them_read(mailed):
    clerk = mailed["clerk_a"]
    first, second = _tell([clerk]) + _tell([clerk], key="issue:2:assigned")
    (other,) = _tell([mailed["clerk_b"]], key="issue:3:assigned")
    client = Client()
    client.force_login(clerk)
    listed = client.get(reverse("api:notification-list") + "?unread=true").json()
    assert sorted(r["id"] for r in listed["results"]) == sorted([first.pk, second.pk])
    read = client.post(reverse("api:notification-read", args=[first.pk]))
    assert read.status_code == 200 and read.json()["read"] is True
    assert client.post(reverse("api:notification-read", args=[other.pk])).status_code == 404
    unread = client.get(reverse("api:notification-list") + "?unread=true").json()
    assert [r["id"] for r in unread["results"]] == [second.pk]
    assert client.post(reverse("api:notification-read-all")).json() == {"marked": 1}
    other.refresh_from_db()
    assert other.read_at is None


def test_a_new_red_warning_tells_the_projects_people_once(mailed, make_project):
    from datetime import date

    from ballast.alerts.notices import red_warning_notices

    late = make_project(name="三个月零一天", planned_start=date(2023, 1, 14))
    late.leaders.add(mailed["leader_a"])
    make_project(name="昨天计划开工", planned_start=date(2023, 4, 14))  # yellow only
    assert red_warning_notices(as_of=date(2023, 4, 15)) > 0
    assert red_warning_notices(as_of=date(2023, 4, 16)) == 0  # the same episode: once
    told = Notification.objects.filter(kind=Kind.RED_WARNING, event="start_overdue")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["clerk_a", "leader_a"]
    notice = told.first()
    assert notice.subject == "【红色预警】三个月零一天：开工逾期"
    assert notice.link == f"/projects/{late.pk}/"
    assert not Notification.objects.filter(subject__contains="昨天计划开工").exists()
    assert not Notification.objects.filter(recipient=mailed["clerk_b"]).exists()
