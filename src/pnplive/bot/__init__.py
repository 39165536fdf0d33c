"""The Telegram bot: members, performers and admins (aiogram 3 + aiogram-dialog).

Handlers and dialog getters are thin: they read the update, call one domain service in a short
unit of work, and render texts from the catalogues in the reader's language.
"""
