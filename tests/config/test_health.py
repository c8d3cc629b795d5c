def test_health_answers_without_login_with_database_and_broker_status(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_pages_redirect_anonymous_visitors_to_login(client, db):
    response = client.get("/devices/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_login_page_is_in_french_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
