"""Talk to the running assistant from a terminal, over the REST channel: `make chat`.

Buttons are shown numbered; type the number to press one.
"""

from __future__ import annotations

import argparse
import uuid

import requests

from bot.config import get_settings


def send(url: str, sender: str, text: str) -> list[dict]:
    reply = requests.post(url, json={"sender": sender, "message": text}, timeout=30)
    if reply.status_code >= 400:
        return [{"text": f"[{reply.status_code}] {reply.json().get('error', reply.text)}"}]
    return reply.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sender", default=f"chat-{uuid.uuid4().hex[:8]}")
    parser.add_argument("--url", default=get_settings().rasa_url)
    args = parser.parse_args()
    url = args.url.rstrip("/") + "/webhooks/rest/webhook"
    print(f"Chatting as {args.sender}. Ctrl-D or 'quit' to leave.")
    buttons: list[dict] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.lower() in {"quit", "exit"}:
            return
        if not text:
            continue
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            messages = send(url, args.sender, text)
        except requests.RequestException:
            print(f"bot> (cannot reach the assistant at {url}: is `make run` running?)")
            continue
        buttons = []
        for message in messages:
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons") or []:
                buttons.append(button)
                print(f"     {len(buttons)}. {button['title']}")


if __name__ == "__main__":
    main()
