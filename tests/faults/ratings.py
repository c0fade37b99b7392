"""A citizen's client for the public form, used by the fault and load tests."""

import re

import requests

FORM = "/rate/fault-hall/"


class Citizen:
    def __init__(self, base_url, timeout=5.0):
        self.base_url = base_url
        self.timeout = timeout
        self.session = requests.Session()

    def rate(self, level="satisfied", comment="窗口办事很快"):
        """Returns the receipt code, or raises on anything that is not a stored rating."""
        page = self.session.get(self.base_url + FORM, timeout=self.timeout)
        if page.status_code != 200:
            raise RuntimeError(f"form refused: {page.status_code}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = self.session.post(
            self.base_url + FORM,
            data={"csrfmiddlewaretoken": token, "level": level, "comment": comment},
            headers={"Referer": self.base_url + FORM},
            allow_redirects=False,
            timeout=self.timeout,
        )
        if response.status_code != 302:
            raise RuntimeError(f"rating refused: {response.status_code}")
        return re.search(r"/rate/receipt/([^/]+)/", response.headers["Location"]).group(1)
