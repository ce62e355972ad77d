import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import Role, User


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/"


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户登录" in page


@pytest.mark.parametrize(
    "username, role_text, panel",
    [
        ("lead-a", "牵头单位用户", "本单位尚无创新联合体备案"),
        ("jiangning", "区（园区）科技局", "辖区内暂无待初审的备案申请"),
        ("city", "市科技局", "暂无待市科技局审核的备案申请"),
        ("admin", "系统管理员", "进入管理后台"),
    ],
)
@pytest.mark.django_db
def test_home_page_shows_the_roles_work(client, demo_users, username, role_text, panel):
    client.force_login(demo_users[username])
    page = client.get(reverse("home")).content.decode()
    assert f"您的角色是：{role_text}" in page
    assert panel in page


@pytest.mark.django_db
def test_officer_home_names_their_authority(client, demo_users):
    client.force_login(demo_users["xuanwu"])
    assert "玄武区科学技术局" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_admin_link_only_for_staff(client, demo_users):
    client.force_login(demo_users["lead-a"])
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(demo_users["admin"])
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_language_switch_to_english(client, demo_users):
    client.force_login(demo_users["city"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Workbench" in page


@pytest.mark.django_db
def test_friendly_404_page(client, demo_users, settings):
    settings.DEBUG = False
    client.force_login(demo_users["city"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings, reference_data):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_is_repeatable(reference_data, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(role=Role.DISTRICT_OFFICER).values("authority").distinct().count() >= 2
    assert User.objects.filter(role=Role.LEAD_UNIT).values("organisation").distinct().count() == 3
    assert User.objects.count() == 7


@pytest.mark.django_db
def test_seeding_again_resets_a_changed_password_and_account_and_keeps_the_rows(
    reference_data, django_assert_max_num_queries
):
    from portal.demo import DEMO_PASSWORD, seed_demo

    with django_assert_max_num_queries(25):
        first = {user.username: user.pk for user in seed_demo()}
    lead = User.objects.get(username="lead-a")
    lead.set_password("another-password")
    lead.last_name = "改过的姓名"
    lead.save()
    with django_assert_max_num_queries(25):
        again = {user.username: user.pk for user in seed_demo()}
    assert again == first
    lead.refresh_from_db()
    assert lead.check_password(DEMO_PASSWORD)
    assert (lead.last_name, lead.organisation.uscc, lead.email) == ("王敏", "91320115MA1Q8W3R2D", "lead-a@example.com")
    assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())


@pytest.mark.django_db
def test_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "用户登录" in page


@pytest.mark.django_db
def test_home_counts_the_work_waiting(client, demo_users, settings, tmp_path):
    from tests.factories import complete_filing, submitted_filing

    settings.MEDIA_ROOT = tmp_path
    complete_filing(lead_user=demo_users["lead-a"], name="草稿联合体")
    submitted_filing(lead_user=demo_users["lead-a"], name="已提交联合体", seed=2000)

    client.force_login(demo_users["jiangning"])
    panels = {p.title: p.count for p in client.get(reverse("home")).context["panels"]}
    assert panels["待初审的备案申请"] == 1
    client.force_login(demo_users["xuanwu"])
    panels = {p.title: p.count for p in client.get(reverse("home")).context["panels"]}
    assert panels["待初审的备案申请"] == 0
    client.force_login(demo_users["lead-a"])
    panels = {p.title: p.count for p in client.get(reverse("home")).context["panels"]}
    assert (panels["本单位的创新联合体备案"], panels["待填写或修改的备案"], panels["审核中的备案"]) == (2, 1, 1)
