"""Redis out of reach (a proxy of the test's own, cut): the cache is an optimisation, so reads still answer.

Login failing closed and health reporting Redis are issue 9's (hostile clients) and tested there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from anb import create_app
from config import TestingConfig
from tests.proxy import TcpProxy


def test_reads_answer_while_redis_is_unreachable_and_after_it_is_back(app, user, make_video):
    make_video(user)
    redis = urlsplit(TestingConfig.REDIS_URL)
    with TcpProxy(redis.port or 6379) as proxy:
        url = redis._replace(netloc=f"{redis.hostname}:{proxy.port}").geturl()
        api = create_app(type("RedisViaProxy", (TestingConfig,), {"REDIS_URL": url})).test_client()
        ranking = "/api/public/rankings?page=1&page_size=10"
        assert api.get(ranking).status_code == 200

        proxy.cut()
        during = [api.get(ranking), api.get("/api/public/videos")]

        proxy.restore()
        after = api.get(ranking)

    assert [response.status_code for response in during] == [200, 200]
    assert during[0].get_json() == after.get_json() and after.get_json()
