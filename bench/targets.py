"""The issue's targets as one table: figure, its anchor from the same run, the ratio, the target,
and whether it is met."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    figure: float
    unit: str
    anchor: float | None = None
    anchor_name: str = ""
    goal: float | None = None  # None: no target, the figure is for reading beside its anchor
    at_least: bool = False  # a rate to reach rather than a cost to stay under

    @property
    def ratio(self) -> float | None:
        return self.figure / self.anchor if self.anchor else None

    @property
    def met(self) -> bool | None:
        if self.goal is None:
            return None
        return self.figure >= self.goal if self.at_least else self.figure <= self.goal


def _num(v: float) -> str:
    return f"{v:.3f}" if abs(v) < 1 else f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def table(title: str, targets: list[Target]) -> str:
    head = f"{'target':<40} {'figure':>15} {'anchor':<36} {'ratio':>7} {'goal':>14} {'met':>4}"
    lines = [f"\n{title}", head, "-" * len(head)]
    for t in targets:
        figure = f"{_num(t.figure)} {t.unit}"
        anchor = f"{_num(t.anchor)} {t.anchor_name}" if t.anchor is not None else "-"
        ratio = f"{t.ratio:.2f}" if t.ratio is not None else "-"
        goal = "-" if t.goal is None else f"{'>=' if t.at_least else '<='} {_num(t.goal)} {t.unit}"
        met = {None: "-", True: "yes", False: "NO"}[t.met]
        lines.append(f"{t.name:<40} {figure:>15} {anchor:<36} {ratio:>7} {goal:>14} {met:>4}")
    return "\n".join(lines)
