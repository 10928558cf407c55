"""Benchmark the running assistant: `make bench` writes var/bench/latest.json and prints a table.

Starts the real stack (embedded set-up: SQLite, in-memory lock store) on free ports, drives the
REST channel with fresh conversations of mixed messages at 1, 10 and 50 concurrent
conversations, measures the model's own in-process work on the same messages (the floor), an
aged conversation (3,000 earlier events over many sessions) against a fresh one, memory per
process, start-up and training time. When PostgreSQL and Redis are reachable (BENCH_DATABASE_URL
or TEST_DATABASE_URL, and BENCH_REDIS_URL or TEST_REDIS_URL) the scaled set-up (two Rasa
workers) is measured too, under "scaled".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import psutil
import requests

from bot.cafes.finder import bench_search_ms
from bot.config import PROJECT_ROOT, get_settings
from bot.ops.fake_providers import FakeTelegram, FakeTwilio, environment
from bot.ops.model import ensure_model, quiet_rasa_logs, training_record
from bot.ops.stack import Stack
from bot.store.migrate import upgrade
from bot.store.scratch import create_scratch_database, drop_scratch_database

# One fresh conversation = these messages in order: greetings, questions, a growth entry,
# a crisis message, an ordinary close.
CONVERSATION = [
    "hi",
    "what can you do",
    "is a home birth safe for a first baby",
    "my nipples are really sore when she feeds",
    "Ava weighed 7.4 kg today",
    "i can't cope anymore and i want to end it all",
    "can i talk to a health visitor",
    "thanks",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[index], 2)


def summary(values: list[float]) -> dict:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}


def _conversation(url: str, session: requests.Session, sender: str) -> list[float]:
    timings = []
    for text in CONVERSATION:
        started = time.perf_counter()
        reply = session.post(url, json={"sender": sender, "message": text}, timeout=120)
        timings.append((time.perf_counter() - started) * 1000)
        reply.raise_for_status()
    return timings


def drive(rasa_url: str, concurrency: int, conversations: int) -> tuple[list[float], float]:
    """Turn latencies (ms) and throughput (turns/s) for fresh conversations at a concurrency."""
    url = f"{rasa_url}/webhooks/rest/webhook"
    run_id = uuid.uuid4().hex[:6]

    def worker(index: int) -> list[float]:
        with requests.Session() as session:
            return _conversation(url, session, f"bench-{run_id}-c{concurrency}-{index}")

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(worker, range(conversations)))
    elapsed = time.perf_counter() - started
    timings = [t for r in results for t in r]
    return timings, round(len(timings) / elapsed, 1)


async def _floor(model: Path, rounds: int) -> list[float]:
    """The model's own work per turn: NLU parse plus next-action predictions, in-process."""
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import UserMessage
    from rasa.shared.core.events import (
        ActionExecuted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    processor = agent.processor
    actions = processor.domain.action_names_or_texts
    timings = []
    for round_ in range(rounds):
        opening = [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
        ]
        tracker = DialogueStateTracker.from_events(
            f"floor-{round_}", opening, processor.domain.slots
        )
        for text in CONVERSATION:
            started = time.perf_counter()
            parsed = await processor.parse_message(UserMessage(text), tracker)
            tracker.update(UserUttered(text, parsed["intent"], parsed["entities"], parsed))
            for _ in range(10):
                prediction = processor._predict_next_with_tracker(tracker)
                action = actions[prediction.max_confidence_index]
                tracker.update(ActionExecuted(action))
                if action == "action_default_fallback":  # what that action does to the tracker
                    tracker.update(UserUtteranceReverted())
                    break
                if action == "action_listen":
                    break
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def floor_ms(model: Path, rounds: int = 25) -> dict:
    timings = asyncio.run(_floor(model, rounds))
    return summary(timings[len(CONVERSATION):])


async def _age_conversation(database_url: str, sender: str, events: int) -> None:
    """Store a long history: many expired sessions, like a parent of a toddler."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.store.tracker_store import DatabaseTrackerStore

    domain = Domain.load(str(PROJECT_ROOT / "bot" / "domain"))
    store = DatabaseTrackerStore(domain=domain, host=database_url)
    history: list = []
    ts = time.time() - 600 * 86400
    while len(history) < events:
        history += [
            ActionExecuted("action_session_start", timestamp=ts),
            SessionStarted(timestamp=ts),
            SlotSet("registered", True, timestamp=ts),
            ActionExecuted("action_listen", timestamp=ts),
        ]
        for turn in range(6):
            t = ts + turn * 10
            history += [
                UserUttered("hi", {"name": "greet", "confidence": 0.99}, timestamp=t),
                ActionExecuted("utter_greet", timestamp=t + 1),
                BotUttered("Hi again! What can I help with today?", timestamp=t + 1),
                ActionExecuted("action_listen", timestamp=t + 2),
            ]
        ts += 2 * 86400
    tracker = DialogueStateTracker.from_events(sender, history[:events], domain.slots)
    await store.save(tracker)


def aged_ratio(stack: Stack, events: int = 3000, turns: int = 80) -> dict:
    sender_old = f"aged-{uuid.uuid4().hex[:8]}"
    asyncio.run(_age_conversation(stack.env["DATABASE_URL"], sender_old, events))
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    sender_new = f"fresh-{uuid.uuid4().hex[:8]}"
    aged, fresh = [], []
    with requests.Session() as session:
        for sender in (sender_old, sender_new):  # first turns open a session: not measured
            session.post(url, json={"sender": sender, "message": "hi"}, timeout=60)
        for index in range(turns):
            text = CONVERSATION[index % 2]  # greeting and menu: the same work for both
            for sender, bucket in ((sender_old, aged), (sender_new, fresh)):
                started = time.perf_counter()
                session.post(url, json={"sender": sender, "message": text}, timeout=60)
                bucket.append((time.perf_counter() - started) * 1000)
    return {
        "aged_ratio": round(statistics.median(aged) / statistics.median(fresh), 3),
        "aged_p50_ms": round(statistics.median(aged), 2),
        "fresh_p50_ms": round(statistics.median(fresh), 2),
        "aged_events": events,
    }


def crisis_to_page_ms(stack: Stack, messages: int = 20) -> dict:
    """From sending a crisis message to its page reaching the outbound sender (outbox row)."""
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import Escalation, OutboundMessage

    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    timings = []
    with requests.Session() as session:
        for index in range(messages):
            sender = f"crisis-{uuid.uuid4().hex[:8]}"
            sent_at = datetime.now(timezone.utc).replace(tzinfo=None)
            session.post(url, json={"sender": sender, "message": CRISIS_MESSAGES[index % 3]},
                         timeout=60).raise_for_status()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with session_scope(stack.env["DATABASE_URL"]) as db:
                    paged_at = db.execute(
                        select(OutboundMessage.created_at)
                        .join(Escalation, Escalation.id == OutboundMessage.escalation_id)
                        .where(Escalation.conversation_id == sender,
                               OutboundMessage.purpose == "page")
                    ).scalars().first()
                if paged_at is not None:
                    timings.append((paged_at - sent_at).total_seconds() * 1000)
                    break
                time.sleep(0.02)
    return summary(timings) if timings else {"p50": None, "p95": None, "n": 0}


def risk_detector_speed(rounds: int = 3) -> dict:
    """In-process, one core: messages per second, and the cost added to one turn."""
    from bot.safety.detector import default_detector

    detector = default_detector()
    texts = CONVERSATION + CRISIS_MESSAGES
    detector.detect(texts[0])
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        count = 0
        while time.perf_counter() - started < 1.0:
            for text in texts:
                detector.detect(text)
            count += len(texts)
        best = max(best, count / (time.perf_counter() - started))
    return {"msgs_per_s": round(best), "ms_per_message": round(1000 / best, 4)}


GROWTH_MESSAGES = [
    "Ava weighed 6.2kg today",
    "14lb 3oz at clinic yesterday",
    "she's 63.5cm long now",
    "weighed her at home 6,35 kg on monday",
    "Ava 6400g on 3/11",
]


def growth_check_ms(rounds: int = 600) -> dict:
    """In-process: read one measurement message, assess it with rcpchgrowth (corrected for
    gestation) and run the health visitor flags against a child's earlier entries."""
    from datetime import date, timedelta

    from bot.growth.centiles import ChildFacts, assess
    from bot.growth.flags import Point, growth_flags
    from bot.growth.parsing import read_measurement

    today = date(2026, 11, 24)
    child = ChildFacts("female", today - timedelta(days=130), 36, 2)
    history = [
        Point("weight", child.birth_date, 2.9, -0.4),
        *(Point("weight", child.birth_date + timedelta(days=d), 3.0 + d / 40, -0.2)
          for d in (14, 42, 70, 98)),
        Point("length", child.birth_date + timedelta(days=98), 60.0, 0.1),
    ]
    timings = []
    for index in range(rounds):
        text = GROWTH_MESSAGES[index % len(GROWTH_MESSAGES)]
        started = time.perf_counter()
        reading = read_measurement(text, today, ["Ava"])
        for quantity in reading.quantities:
            day = reading.observed_on or today
            result = assess(child, quantity.kind, quantity.value, day)
            growth_flags(child, history,
                         Point(quantity.kind, day, result.value, result.sds), 2.9)
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings[len(GROWTH_MESSAGES):])


def growth_chart_ms(rounds: int = 20) -> dict:
    """In-process: draw one child's weight chart (the PNG a parent or the desk is sent)."""
    from datetime import date, timedelta

    from bot.growth.centiles import WEIGHT, ChildFacts
    from bot.growth.chart import render_chart
    from bot.growth.flags import Point

    born = date(2026, 7, 1)
    child = ChildFacts("female", born, 39, 0)
    points = [Point(WEIGHT, born + timedelta(days=d), 3.3 + d / 35, None)
              for d in (0, 14, 42, 70, 98)]
    timings = []
    for _ in range(rounds + 2):
        started = time.perf_counter()
        render_chart(child, WEIGHT, points, "Ava: weight")
        timings.append((time.perf_counter() - started) * 1000)
    return summary(timings[2:])


def rss_mb(stack: Stack) -> dict:
    sizes = {}
    for name, process in stack.processes.items():
        root = psutil.Process(process.pid)
        tree = [root, *root.children(recursive=True)]
        sizes[name] = round(sum(p.memory_info().rss for p in tree) / 2**20, 1)
    return sizes


CRISIS_MESSAGES = [
    "i cant do this anymore i want to end it all",
    "my baby is floppy and wont wake up properly",
    "he hit me again last night and im scared to go home",
]


def measure(stack: Stack, quick: bool) -> dict:
    scale = 1 if quick else 3
    drive(stack.rasa_url, 4, 4)  # warm-up
    c1, _ = drive(stack.rasa_url, 1, 6 * scale)
    c10, rps10 = drive(stack.rasa_url, 10, 15 * scale)
    c50, rps50 = drive(stack.rasa_url, 50, 50 * scale)
    return {
        "turn_ms": {"c1": summary(c1), "c10": summary(c10), "c50": summary(c50)},
        "throughput_rps": {"c10": rps10, "c50": rps50},
        "rss_mb": rss_mb(stack),
    }


PUBLIC_BASE_URL = "https://bench.example.nhs.uk"
TELEGRAM_SECRET = "bench-secret"


def _wait_for_reply(count: Callable[[], int], before: int, timeout_s: float = 30.0) -> float:
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if count() > before:
            return time.perf_counter()
        time.sleep(0.002)
    raise RuntimeError("no reply reached the provider")


def webhook_to_send_ms(stack: Stack, twilio: FakeTwilio, telegram: FakeTelegram,
                       concurrency: int = 10, turns: int = 4) -> dict:
    """From a provider's webhook call to the first reply reaching the provider's API, with
    `concurrency` conversations at once on each channel."""
    from bot.channels.sms import WEBHOOK_PATH as SMS_PATH
    from bot.channels.telegram import WEBHOOK_PATH as TELEGRAM_PATH

    def sms_conversation(index: int) -> list[float]:
        number = f"+44770090{index:04d}{uuid.uuid4().int % 10}"
        timings = []
        for text in CONVERSATION[:turns]:
            params = twilio.inbound_sms_params(number, text)
            before = sum(m["to"] == number for m in twilio.messages)
            started = time.perf_counter()
            status, _ = twilio.post_webhook(stack.rasa_url + SMS_PATH, params,
                                            signed_url=PUBLIC_BASE_URL + SMS_PATH)
            if status != 200:
                raise RuntimeError(f"SMS webhook answered {status}")
            arrived = _wait_for_reply(
                lambda: sum(m["to"] == number for m in twilio.messages), before)
            timings.append((arrived - started) * 1000)
            time.sleep(0.3)  # let the rest of the turn's messages go out
        return timings

    def telegram_conversation(index: int) -> list[float]:
        chat_id = 7_000_000 + index * 1000 + uuid.uuid4().int % 1000
        timings = []
        for text in CONVERSATION[:turns]:
            before = sum(m["chat_id"] == chat_id for m in telegram.messages)
            started = time.perf_counter()
            status, _ = telegram.post_update(stack.rasa_url + TELEGRAM_PATH,
                                             telegram.text_update(chat_id, text),
                                             secret=TELEGRAM_SECRET)
            if status != 200:
                raise RuntimeError(f"Telegram webhook answered {status}")
            arrived = _wait_for_reply(
                lambda: sum(m["chat_id"] == chat_id for m in telegram.messages), before)
            timings.append((arrived - started) * 1000)
            time.sleep(0.3)
        return timings

    result = {}
    for name, conversation in (("sms", sms_conversation), ("telegram", telegram_conversation)):
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            timings = [t for batch in pool.map(conversation, range(concurrency)) for t in batch]
        result[name] = summary(timings)
    return result


def run_setup(env: dict[str, str], var_dir: Path, quick: bool) -> dict:
    upgrade(env["DATABASE_URL"])
    twilio, telegram = FakeTwilio().start(), FakeTelegram().start()
    providers = {
        **environment(twilio, telegram),
        "TWILIO_FROM_NUMBER": "+447700900000",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
    }
    stack = Stack({"VAR_DIR": str(var_dir), **providers, **env}, log_dir=var_dir / "logs")
    try:
        startup_s = stack.start()
        result = measure(stack, quick)
        result["startup_s"] = round(startup_s, 1)
        result.update(aged_ratio(stack, turns=30 if quick else 80))
        result["crisis_to_page_ms"] = crisis_to_page_ms(stack, 10 if quick else 20)
        result["webhook_to_send_ms"] = webhook_to_send_ms(stack, twilio, telegram,
                                                          turns=2 if quick else 4)
        return result
    finally:
        stack.stop()
        twilio.stop()
        telegram.stop()


def print_table(result: dict) -> None:
    t = result["turn_ms"]
    print("\nmake bench (embedded set-up: SQLite, in-memory lock store, 1 Rasa worker)")
    print(f"  turn ms      c1 p50 {t['c1']['p50']:>7}  p95 {t['c1']['p95']:>7}")
    print(f"               c10 p50 {t['c10']['p50']:>6}  p95 {t['c10']['p95']:>7}")
    print(f"               c50 p50 {t['c50']['p50']:>6}  p95 {t['c50']['p95']:>7}")
    print(f"  throughput   c10 {result['throughput_rps']['c10']}/s   c50 "
          f"{result['throughput_rps']['c50']}/s")
    print(f"  floor ms     p50 {result['floor_ms']['p50']}  p95 {result['floor_ms']['p95']}")
    print(f"  overhead_ratio {result['overhead_ratio']}   aged_ratio {result['aged_ratio']}")
    print(f"  rss_mb {result['rss_mb']}")
    print(f"  train_s {result['train_s']}   startup_s {result['startup_s']}")
    print(f"  crisis_to_page_ms p50 {result['crisis_to_page_ms']['p50']}  "
          f"p95 {result['crisis_to_page_ms']['p95']}")
    for channel, timing in result["webhook_to_send_ms"].items():
        print(f"  webhook_to_send_ms {channel:<8} c10 p50 {timing['p50']}  p95 {timing['p95']}")
    print(f"  risk detector {result['risk_detector_msgs_per_s']} msgs/s (one core), "
          f"{result['risk_detector_ms_per_turn']} ms per message")
    cafes = result["cafe_search_ms"]
    print(f"  cafe search ms (5,000 cafes) p50 {cafes['p50']}  p95 {cafes['p95']} "
          "(goal p95 < 10)")
    growth = result["growth_check_ms"]
    print(f"  growth parse+centile+flags ms p50 {growth['p50']}  p95 {growth['p95']} "
          "(goal p95 < 3)")
    chart = result["growth_chart_ms"]
    print(f"  growth chart PNG ms p50 {chart['p50']}  p95 {chart['p95']}")
    scaled = result.get("scaled")
    if isinstance(scaled, dict) and "turn_ms" in scaled:
        s = scaled["turn_ms"]
        print("scaled set-up (PostgreSQL, Redis lock store, 2 Rasa workers)")
        print(f"  turn ms c1 p50 {s['c1']['p50']}  c10 p95 {s['c10']['p95']}  "
              f"c50 p95 {s['c50']['p95']}")
        print(f"  throughput c10 {scaled['throughput_rps']['c10']}/s  "
              f"c50 {scaled['throughput_rps']['c50']}/s   aged_ratio {scaled['aged_ratio']}")
    elif scaled:
        print(f"scaled set-up: {scaled}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer turns (smoke run)")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    settings = get_settings()
    model = ensure_model()
    out_dir = settings.var_dir / "bench"
    run_dir = out_dir / time.strftime("run-%Y%m%d-%H%M%S")
    common = {"MODEL_CACHE_DIR": str(settings.model_cache_dir), "REDIS_URL": ""}

    result = run_setup(
        {**common, "DATABASE_URL": f"sqlite:///{run_dir / 'bench.db'}", "SANIC_WORKERS": "1"},
        run_dir / "embedded",
        args.quick,
    )
    result["floor_ms"] = floor_ms(model, rounds=8 if args.quick else 25)
    result["overhead_ratio"] = round(result["turn_ms"]["c1"]["p50"] / result["floor_ms"]["p50"], 2)
    result["train_s"] = training_record(model).get("train_s")
    speed = risk_detector_speed()
    result["risk_detector_msgs_per_s"] = speed["msgs_per_s"]
    result["risk_detector_ms_per_turn"] = speed["ms_per_message"]
    result["growth_check_ms"] = growth_check_ms()
    result["growth_chart_ms"] = growth_chart_ms()
    result["cafe_search_ms"] = bench_search_ms(cafes=5000, queries=500)

    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL")
    if pg and redis_url:
        database_url = create_scratch_database(pg)
        try:
            result["scaled"] = run_setup(
                {**common, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                 "SANIC_WORKERS": "2"},
                run_dir / "scaled",
                args.quick,
            )
        finally:
            drop_scratch_database(pg, database_url)
    else:
        result["scaled"] = "skipped: set BENCH_DATABASE_URL and BENCH_REDIS_URL to measure"

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2))
    print_table(result)
    print(f"written to {out_dir / 'latest.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
