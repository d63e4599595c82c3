"""Slow fades for appearing elements and screen changes: nothing in the room should pop.

A fade uses a ``QGraphicsOpacityEffect`` only while it runs and removes it afterwards:
a permanent effect makes Qt render the widget through an offscreen buffer on every repaint,
which costs CPU while audio is playing and blurs text on some platforms.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QObject, QPropertyAnimation, QVariantAnimation
from PySide6.QtWidgets import QGraphicsOpacityEffect, QWidget

from session_player.ui import theme


def fade_in(widget: QWidget, duration_ms: int = theme.FADE_MS) -> QPropertyAnimation:
    """Show ``widget`` and raise its opacity from 0 to 1."""
    effect = QGraphicsOpacityEffect(widget)
    effect.setOpacity(0.0)
    widget.setGraphicsEffect(effect)
    widget.show()
    animation = QPropertyAnimation(effect, b"opacity", widget)
    animation.setDuration(duration_ms)
    animation.setStartValue(0.0)
    animation.setEndValue(1.0)
    animation.setEasingCurve(QEasingCurve.Type.InOutSine)
    # Drop the effect at the end (see the module docstring); guard against a newer fade
    # having replaced it in the meantime.
    animation.finished.connect(
        lambda: widget.setGraphicsEffect(None) if widget.graphicsEffect() is effect else None
    )
    animation.start(QPropertyAnimation.DeletionPolicy.DeleteWhenStopped)
    return animation


def fade_out(widget: QWidget, duration_ms: int = theme.FADE_MS) -> QPropertyAnimation:
    """Lower the opacity of ``widget`` to 0, then hide it."""
    effect = QGraphicsOpacityEffect(widget)
    effect.setOpacity(1.0)
    widget.setGraphicsEffect(effect)
    animation = QPropertyAnimation(effect, b"opacity", widget)
    animation.setDuration(duration_ms)
    animation.setStartValue(1.0)
    animation.setEndValue(0.0)
    animation.setEasingCurve(QEasingCurve.Type.InOutSine)

    def done() -> None:
        if widget.graphicsEffect() is effect:
            widget.hide()
            widget.setGraphicsEffect(None)

    animation.finished.connect(done)
    animation.start(QPropertyAnimation.DeletionPolicy.DeleteWhenStopped)
    return animation


def tween(
    owner: QObject, start: float, end: float, duration_ms: int, on_value
) -> QVariantAnimation:
    """Animate a plain number (a dim level, a shape's opacity) and call ``on_value`` with it."""
    animation = QVariantAnimation(owner)
    animation.setStartValue(float(start))
    animation.setEndValue(float(end))
    animation.setDuration(duration_ms)
    animation.setEasingCurve(QEasingCurve.Type.InOutSine)
    animation.valueChanged.connect(lambda value: on_value(float(value)))
    animation.start(QVariantAnimation.DeletionPolicy.DeleteWhenStopped)
    return animation
