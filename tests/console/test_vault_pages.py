import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_key_status_page_shows_when_rotation_is_due(make_user, console_client, make_customer):
    make_customer()
    client = console_client(make_user("security_officer"))
    response = client.get(reverse("console:keys"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Key-encryption key" in html and "Rotation due" in html and "local" in html
    assert console_client(make_user("agent")).get(reverse("console:keys")).status_code == 403


@pytest.mark.django_db
def test_privacy_officer_erases_from_the_console(make_user, console_client, make_customer):
    customer = make_customer(full_name="Ada Lovelace")
    client = console_client(make_user("privacy_officer"))
    page = client.get(reverse("console:customer", args=[customer.id])).content.decode()
    assert "Erase this customer" in page
    url = reverse("console:customer_erase", args=[customer.id])
    assert client.post(url, {"reason": "asked by phone"}).status_code == 302  # no confirm
    assert "Ada Lovelace" in client.get(reverse("console:customer", args=[customer.id])
                                        ).content.decode()
    response = client.post(url, {"reason": "asked by phone", "confirm": "on"}, follow=True)
    html = response.content.decode()
    assert "Erased" in html and "asked by phone" in html and "Ada Lovelace" not in html
    agent_page = console_client(make_user("agent")).get(
        reverse("console:customer", args=[customer.id])).content.decode()
    assert "Erase this customer" not in agent_page
