"""Serve the desk with waitress: `python -m bot.desk`."""

import logging

from waitress import serve

from bot.config import get_settings
from bot.desk import create_app

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    serve(create_app(), host=settings.bind_host, port=settings.desk_port, threads=8)
