"""The dialogs' states, one group per dialog."""

from aiogram.fsm.state import State, StatesGroup


class Menu(StatesGroup):
    main = State()
    age = State()
    terms = State()
    upgrade = State()


class Book(StatesGroup):
    performer = State()
    profile = State()
    duration = State()
    day = State()
    time = State()
    rules = State()
    summary = State()
    method = State()
    pay = State()


class FindTime(StatesGroup):
    duration = State()
    window = State()
    results = State()


class MyBookings(StatesGroup):
    list = State()
    detail = State()
    cancel = State()
    move_day = State()
    move_time = State()
    move_confirm = State()


class PastCalls(StatesGroup):
    list = State()
    stars = State()
    text = State()


class Settings(StatesGroup):
    main = State()
    language = State()
    timezone = State()


class PerformerMenu(StatesGroup):
    main = State()
    photos = State()
    price = State()
    bio = State()
    tags = State()
    durations = State()


class PerformerMove(StatesGroup):
    booking = State()
    day = State()
    time = State()
    confirm = State()


class PerformerSchedule(StatesGroup):
    main = State()
    weekly = State()
    block = State()
    extra = State()
    extra_hours = State()
    remove = State()


class AdminMenu(StatesGroup):
    main = State()
    performers = State()


class AdminPerformer(StatesGroup):
    main = State()
    edit = State()
    deactivate = State()
    bookings = State()
    booking = State()
    cancel = State()


class AdminRoles(StatesGroup):
    ask = State()
    member = State()


class AddPerformer(StatesGroup):
    username = State()
    display_name = State()
    bio = State()
    price = State()
    durations = State()
    photo = State()
    hours = State()
    confirm = State()
