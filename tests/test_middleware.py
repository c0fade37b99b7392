from django.test import RequestFactory, override_settings

from config.middleware import TrustedProxyMiddleware


def client_address(forwarded, count):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXY_COUNT=count):
        TrustedProxyMiddleware(lambda r: r)(request)
    return request.META["REMOTE_ADDR"]


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("203.0.113.9", 0) == "10.0.0.1"


def test_behind_one_proxy_the_last_forwarded_address_is_the_client():
    assert client_address("198.51.100.7, 203.0.113.9", 1) == "203.0.113.9"


def test_a_forged_leftmost_address_is_not_trusted():
    assert client_address("1.2.3.4, 203.0.113.9", 1) == "203.0.113.9"


def test_too_few_forwarded_addresses_keep_the_peer():
    assert client_address("", 1) == "10.0.0.1"
