"""PNP Live: private 1:1 video calls with performers, booked and paid through Telegram."""

__version__ = "0.1.0"
