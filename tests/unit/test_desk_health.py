from bot.desk import create_app
from schedules import jobs


def test_healthz_reports_each_dependency_and_is_degraded_when_processes_are_down(sqlite_url):
    app = create_app(
        {
            "DATABASE_URL": sqlite_url,
            "RASA_URL": "http://127.0.0.1:9",
            "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
            "REDIS_URL": None,
        }
    )
    jobs.heartbeat(sqlite_url)
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["status"] == "degraded"
    deps = body["dependencies"]
    assert deps["database"] == {"state": "up", "kind": "sqlite"}
    assert deps["rasa"]["state"] == "down" and deps["actions"]["state"] == "down"
    assert deps["scheduler"]["state"] == "up"
    assert deps["lock_store"] == {"state": "up", "kind": "in-memory"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503
    assert reply.get_json()["dependencies"]["database"]["state"] == "down"
