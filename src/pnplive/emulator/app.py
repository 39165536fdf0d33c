"""The emulator as one ASGI app: the Bot API, file downloads, the chat page and its JSON API.

Mounted under a prefix (the product uses /emulator) or served on its own; the page builds its
links from the mount point, so both work.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pnplive.emulator.botapi import bot_api_router
from pnplive.emulator.emulator import Emulator
from pnplive.emulator.webchat import web_chat_router

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def build_app(emulator: Emulator) -> FastAPI:
    app = FastAPI(
        title="Telegram Bot API emulator", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.include_router(bot_api_router(emulator))
    app.include_router(web_chat_router(emulator))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="emulator_static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request, "chat.html", {"base": request.scope.get("root_path", "").rstrip("/")}
        )

    return app
