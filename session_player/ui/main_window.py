"""The clinician's window: start → pre-flight → console → summary, and the patient's window.

It receives everything it uses (the engine port, the settings) from the composition root and
creates the per-session objects when a session starts: the bridge, the console, the patient
controls and the patient view. With two screens the patient view goes full screen on the
second and the console stays on the first; on one screen the clinician shows it with the
Patient view action (P) and comes back with the press-and-hold unlock.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from session_player.ui import theme
from session_player.ui.fading_stack import FadingStack
from session_player.ui.settings import AppSettings
from session_player.ui.start_screen import StartScreen, first_choice
from session_player.ui.supervisor_link import SupervisorLink
from session_player.ui.worker import TaskRunner

# The pages and windows of a running session are imported when a session opens (the worker
# imports them ahead, once the start screen is complete: see _on_start_ready): they need the
# session engine's modules and the playlist model. Startup only pays for what it shows (the
# resume offer and the close box too are built when first needed).
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QMessageBox

    from session_player.engine.ports import EnginePort, SessionPort, SessionRequest
    from session_player.launch.start_check import ValidationCache
    from session_player.ui.console import Console
    from session_player.ui.launch_results import LaunchResults
    from session_player.ui.patient_view import PatientView
    from session_player.ui.preflight import Preflight
    from session_player.ui.resume_offer import ResumeOffer
    from session_player.ui.session_bridge import SessionBridge
    from session_player.ui.settings_dialog import SettingsDialog
    from session_player.ui.summary import SummaryScreen

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1360, 900)
# The journal's closing entry when the app closes while a session runs (see shutdown).
CLOSED_MID_SESSION_NOTE = (
    "Session Player was closed during the session: the sound was stopped. The session was "
    "not ended and can be resumed at the next start."
)
SESSION_PAGES = (
    "session_player.ui.preflight",
    "session_player.ui.console",
    "session_player.ui.patient_view",
    "session_player.ui.patient_controls",
    "session_player.ui.session_bridge",
    "session_player.ui.summary",
)


def _import_session_pages() -> None:
    for name in SESSION_PAGES:
        try:
            importlib.import_module(name)
        except Exception:  # the GUI thread imports it again and reports any real problem
            log.warning("importing %s ahead of time failed", name, exc_info=True)


class MainWindow(QMainWindow):
    session_opened = Signal(object)  # the SessionBridge
    resume_checked = Signal(bool)  # the launch's look for unfinished sessions is done
    # The start screen is complete (once, at launch): its playlist's check shown, the
    # outputs listed and the unfinished sessions looked for.
    start_ready = Signal()

    def __init__(
        self,
        port: EnginePort,
        settings: AppSettings,
        *,
        bundled_folder: Path,
        demo_playlist: Path,
        offer_resume: bool = True,
        initial_playlist: str | Path | None = None,
        validation_cache: ValidationCache | None = None,
        launch_results: LaunchResults | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        # The start helper process's answers (session_player.app.start_helper), if it runs.
        self._launch_results = launch_results
        self.setWindowTitle("Session Player")
        self.port = port
        self.settings = settings
        self.bridge: SessionBridge | None = None
        self.engine: SessionPort | None = None
        self.console: Console | None = None
        self.summary: SummaryScreen | None = None
        self.patient_view: PatientView | None = None
        self._window_fade = None
        # On one screen the console hides while the patient view is up (show_patient_view).
        self._console_hidden = False
        self._console_state = None  # its window state then (not Qt's enum: see qt_values)
        self._shutting_down = False
        # The supervisor's state file, kept while a session is open (None: no supervisor).
        self.supervisor_link = SupervisorLink.from_environment()
        if self.supervisor_link is not None:
            self.supervisor_link.on_failure = self._crash_protection_off
        self.start_maximized = False

        self.stack = FadingStack(self)
        self._button_keys = None  # installed once the start screen is complete (_start_follow_up)
        self.setCentralWidget(self.stack)
        if launch_results is not None:
            # The helper process checks the playlist the start screen will show while this
            # process builds the window (usually the answer is in before it is shown).
            launch_results.ask_early(first_choice(settings, demo_playlist, prefer=initial_playlist))
        # Startup work that imports modules runs on this one thread, in order (see StartScreen).
        self._runner = TaskRunner(self, max_threads=1)
        self.start_screen = StartScreen(
            port,
            settings,
            bundled_folder=bundled_folder,
            demo_playlist=demo_playlist,
            serial_runner=self._runner,
            initial_playlist=initial_playlist,
            validation_cache=validation_cache,
            hold_follow_up=True,  # until start_ready (see _on_start_ready)
            launch_results=launch_results,
            parent=self.stack,
        )
        self.start_screen.settings_requested.connect(self.open_settings)
        self._preflight: Preflight | None = None  # made when first needed (see preflight)
        self._resume_offer: ResumeOffer | None = None  # likewise (see resume_offer)
        self.stack.addWidget(self.start_screen)
        self.stack.setCurrentWidget(self.start_screen)
        self.stack.currentChanged.connect(self._on_page_changed)

        self.start_screen.chosen.connect(self._to_preflight)
        self.start_screen.rehearsal_chosen.connect(self.start_rehearsal)
        self.start_screen.studio_requested.connect(self.open_studio)
        self.studio = None  # the therapist's studio window, made when first asked for

        geometry = settings.window_geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_to_screen()
        self.unfinished_checked = not offer_resume
        self.is_start_ready = False
        for signal in (
            self.start_screen.checked,
            self.start_screen.devices_listed,
            self.resume_checked,
        ):
            signal.connect(self._check_start_ready)
        if offer_resume:
            self._look_for_unfinished()
        else:
            self._check_start_ready()
        if launch_results is not None:
            launch_results.send()  # everything it can answer has been asked for

    def _fit_to_screen(self) -> None:
        """First run: a comfortable size, but never larger than the screen.

        On a screen smaller than that (a 1366×768 laptop) the window starts maximised:
        the title bar and the panel must fit too, and only the window manager knows them.
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        width = min(DEFAULT_SIZE[0], available.width())
        height = min(DEFAULT_SIZE[1], available.height())
        self.start_maximized = width < DEFAULT_SIZE[0] or height < DEFAULT_SIZE[1]
        self.resize(width, height)
        frame = self.frameGeometry()
        frame.moveCenter(available.center())
        self.move(frame.topLeft())

    # --- before the session --------------------------------------------------------------------

    def _look_for_unfinished(self) -> None:
        """On a worker thread: reading the journals needs the session package, which takes
        a while to import, and the window need not wait for it. If a session was left
        unfinished, the resume offer fades in over the start screen a moment later, long
        before anything could have been started there (Continue waits for the audio check).
        At launch the start helper process looks instead, when it can.
        """
        results = self._launch_results
        if results is None or not results.take(
            "unfinished", self._offer_resume, self._look_for_unfinished_here
        ):
            self._look_for_unfinished_here()

    def _look_for_unfinished_here(self) -> None:
        def find(_progress, _cancelled) -> list:
            try:
                return list(self.port.unfinished_sessions())
            except OSError:
                return []

        self._runner.start(
            find, on_done=self._offer_resume, on_failed=lambda _message: self._offer_resume([])
        )

    @property
    def resume_offer(self) -> ResumeOffer:
        """The page offering to resume an unfinished session, built when first needed."""
        if self._resume_offer is None:
            from session_player.ui.resume_offer import ResumeOffer

            self._resume_offer = ResumeOffer(clock=getattr(self.port, "clock", None))
            self._resume_offer.resume_requested.connect(self.resume_session)
            self._resume_offer.dismissed.connect(lambda: self.stack.show_page(self.start_screen))
            self.stack.addWidget(self._resume_offer)
        return self._resume_offer

    def _check_start_ready(self, *_args) -> None:
        if (
            self.is_start_ready
            or not self.isVisible()  # the launch's answers can be in before the show
            or not self.start_screen.check_shown
            or not self.start_screen.devices_ready
            or not self.unfinished_checked
        ):
            return
        self.is_start_ready = True
        self.start_ready.emit()
        self._on_start_ready()

    def _on_start_ready(self) -> None:
        """What comes once the start screen is complete; none of it shows there, and it would
        have competed with what does for the interpreter.

        The check's follow-up (a structure read from the cache is validated afresh on the
        worker, then the audio files are decoded on their own thread), and the session's
        pages, imported on the worker after it, so that they are in before the audio check
        ends (and so before a session can start): imported on the GUI thread as a session
        starts, they would compete with the audio thread for the interpreter just as the
        sound begins.

        It starts once the completed screen has been painted: two zero-timers in a row run
        only after the events already posted, paints included. Started at once, importing the
        playlist model on the worker would slow that paint down (by tens of milliseconds).
        """
        QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, self._start_follow_up))

    def _start_follow_up(self) -> None:
        if self._button_keys is None:
            # Space and Enter press the focused button on every page, as on any desktop (the
            # console installs the same filter on itself). Not at launch: its module builds
            # Qt's namespace enums (about 20 ms; see qt_values), and the start screen's own
            # Enter works without it (its fields and Continue handle Return themselves).
            from session_player.ui.focused_button_keys import FocusedButtonKeys

            self._button_keys = FocusedButtonKeys(self)
        if self._shutting_down:
            return
        self.start_screen.release_follow_up()
        self._runner.start(lambda _progress, _cancelled: _import_session_pages())

    def _offer_resume(self, sessions: list) -> None:
        self.unfinished_checked = True
        # Only over the start screen: never pull the clinician out of a pre-flight.
        if sessions and self.stack.currentWidget() is self.start_screen:
            self.resume_offer.set_sessions(sessions)
            self._preview_resume_points(sessions)
            self.stack.show_page(self.resume_offer)
        self.resume_checked.emit(bool(sessions))

    def _preview_resume_points(self, sessions: list) -> None:
        """On the worker: where each session would resume (the playlist model and the
        journal are read), for the offer's button to say."""
        preview = getattr(self.port, "resume_point", None)
        if preview is None:
            return

        offer = self.resume_offer

        def work(_progress, _cancelled) -> tuple[list, float]:
            worked_out_mono = offer.clock()  # the points are for this moment
            points = []
            for session in sessions:
                try:
                    points.append(preview(session))
                except Exception:  # noqa: BLE001 - the button then just says "Resume session"
                    log.warning("cannot preview resuming %s", session.journal_path, exc_info=True)
                    points.append(None)
            return points, worked_out_mono

        def done(result: tuple[list, float]) -> None:
            if offer.sessions == sessions:  # not replaced meanwhile
                offer.set_points(*result)

        self._runner.start(work, on_done=done)

    def check_unfinished(self) -> bool:
        """The same as at launch, at once, on this thread (returns whether one was found)."""
        try:
            sessions = self.port.unfinished_sessions()
        except OSError:
            sessions = []
        if not sessions:
            return False
        self.resume_offer.set_sessions(sessions)
        self._preview_resume_points(sessions)
        self.stack.setCurrentWidget(self.resume_offer)
        return True

    def open_settings(self) -> SettingsDialog:
        from session_player.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self)
        dialog.accepted.connect(self._settings_saved)
        dialog.open()
        return dialog

    def _settings_saved(self) -> None:
        if self.patient_view is not None:
            self.patient_view.set_pin(self.settings.unlock_pin)

    @property
    def preflight(self) -> Preflight:
        """The pre-flight page, built the first time it is needed rather than at launch."""
        if self._preflight is None:
            from session_player.ui.preflight import Preflight

            self._preflight = Preflight(self.port)
            self._preflight.back_requested.connect(lambda: self.stack.show_page(self.start_screen))
            self._preflight.start_requested.connect(self.start_session)
            self._preflight.readiness_changed.connect(lambda _ready: self.update_title())
            self.stack.addWidget(self._preflight)
        return self._preflight

    def _to_preflight(self, choice) -> None:
        self.preflight.begin(choice)
        self.stack.show_page(self.preflight)

    # --- the session ---------------------------------------------------------------------------

    def start_session(self, request: SessionRequest) -> None:
        try:
            engine = self.port.start_session(request)
        except Exception as exc:  # shown to the clinician, on the pre-flight, without a modal box
            self.preflight.show_error(f"The session could not start: {exc}")
            return
        # The pre-flight decisions go into the journal, above all a "continue anyway".
        for item, outcome in request.preflight.items():
            if outcome.startswith("continued anyway"):
                engine.timeline.add_note(f"Pre-flight {item}: {outcome}")
        if request.preflight.get("course"):  # what the patient's course changed, in words
            engine.timeline.add_note(request.preflight["course"])
        self._open_session(engine, request.alias)

    def start_rehearsal(self, choice, speed: float) -> None:
        """A rehearsal goes straight to the console: no patient, no sound to check."""
        from session_player.engine.ports import SessionRequest

        request = SessionRequest(
            playlist_path=choice.playlist_path,
            load_result=choice.load_result,
            alias=choice.alias,
            device="",
            dose_note=choice.dose_note,
            notes=choice.notes,
        )
        try:
            engine = self.port.start_rehearsal(request, speed)
        except Exception as exc:  # said on the start screen, where the button was pressed
            self.start_screen.reason.setText(f"The rehearsal could not start: {exc}")
            return
        self._open_session(engine, request.alias)

    def resume_session(self, unfinished, *, check_audio: bool = True) -> bool:
        try:
            if check_audio:
                engine, _report = self.port.resume_session(unfinished, self.settings.output_device)
            else:
                engine, _report = self.port.resume_session(
                    unfinished, self.settings.output_device, check_audio=False
                )
        except Exception as exc:
            self.resume_offer.show_error(f"This session cannot be resumed: {exc}")
            return False
        self._open_session(engine, unfinished.alias)
        return True

    def resume_after_crash(self, request: dict) -> bool:
        """Restarted by the supervisor after the app died mid-session: resume that session
        now, on the screen that was showing, and say so on the console (an alert, which
        stays until acknowledged and is journaled). False if it could not: the resume
        offer then shows the session with the reason."""
        from session_player.ui.resume_offer import crash_resumed_text

        wanted = Path(request["journal_path"]).resolve()
        try:
            sessions = list(self.port.unfinished_sessions())
        except OSError:
            sessions = []
        unfinished = next((s for s in sessions if Path(s.journal_path).resolve() == wanted), None)
        if unfinished is None:
            if self.supervisor_link is not None:
                self.supervisor_link.forget()
            return False  # ended after all, or gone: the launch's own look shows the rest
        self.unfinished_checked = True
        # Not decoding every file again first: the patient is in silence (see the port).
        if not self.resume_session(unfinished, check_audio=False):
            if self.supervisor_link is not None:
                self.supervisor_link.forget()  # offered by hand now, below
            self.resume_offer.set_sessions(sessions)
            self._preview_resume_points(sessions)
            self.resume_offer.show_error(
                "Session Player stopped unexpectedly and could not resume the session by "
                f"itself. {self.resume_offer.message.text()}"
            )
            self.stack.show_page(self.resume_offer)
            return False
        timeline = self.engine.timeline
        state = timeline.state()
        text = crash_resumed_text(
            request.get("crashed_wall"), state.phase_name, timeline.since_dose_s()
        )
        timeline.raise_alert("app_restarted", text)
        if request.get("screen") == "patient":
            self.show_patient_view()
        return True

    def _crash_protection_off(self, why: str) -> None:
        """The supervisor cannot be told what to resume: say so while the session runs."""
        if self.engine is None:
            return
        self.engine.timeline.raise_alert(
            "crash_protection_off",
            f"The automatic restart after a crash is off for this session ({why}). If the "
            "app stops, start it again and choose Resume.",
        )

    def open_studio(self, playlist: str | None) -> None:
        """The studio in a window of its own, on the selected playlist (from the start
        screen only: never from the console or the patient view)."""
        from session_player.ui.studio.studio_window import StudioWindow

        if self.studio is None:
            self.studio = StudioWindow(playlist)
        elif playlist is not None and str(self.studio.path) != str(playlist):
            self.studio.open_file(playlist)
        self.studio.show()
        self.studio.raise_()
        self.studio.activateWindow()

    def _open_session(self, engine: SessionPort, alias: str) -> None:
        from session_player.record.listening_settings import load_listening_settings
        from session_player.ui.console import Console
        from session_player.ui.patient_controls import PatientControls
        from session_player.ui.patient_view import PatientView
        from session_player.ui.rehearsal_marker import mark_patient_view
        from session_player.ui.session_bridge import SessionBridge

        self._close_session()
        if self.studio is not None:
            self.studio.check_in_use()  # a session may now use the studio's playlist
        self.engine = engine
        self.bridge = SessionBridge(engine, self)
        self.console = Console(
            self.bridge,
            alias=alias,
            dim_level=self.settings.dim_level,
            clock=getattr(self.port, "clock", None),  # a test's FakeClock (the click guard)
            listening=load_listening_settings(),  # headphones' calibration, the warning share
        )
        self.console.patient_view_requested.connect(self.show_patient_view)
        self.console.dim_level_changed.connect(self._set_dim_level)
        self.console.ended.connect(self._show_summary)
        self.patient_view = PatientView(
            PatientControls(self.bridge),
            level=self.settings.dim_level,
            pin=self.settings.unlock_pin,
        )
        self.patient_view.unlocked.connect(self.hide_patient_view)
        mark_patient_view(engine.timeline, self.patient_view)  # only in a rehearsal
        self.bridge.changed.connect(self._update_patient_scene)
        self._update_patient_scene(self.bridge.state)
        self.stack.show_page(self.console)
        self.bridge.start()
        if self.supervisor_link is not None:
            self.supervisor_link.session_opened(engine.journal_path)
        self.session_opened.emit(self.bridge)
        if self._second_screen() is not None:
            self.show_patient_view()

    def _update_patient_scene(self, state) -> None:
        from session_player.ui.patient_controls import patient_scene

        if self.patient_view is not None and self.bridge is not None:
            self.patient_view.set_scene(patient_scene(self.bridge.playlist, state))
        if state.patient_call_pending:
            # The system's own attention hint on the console (a task bar entry marked, no
            # flash, no sound): the console's banner says the rest.
            QApplication.alert(self)

    def _set_dim_level(self, level: float) -> None:
        # The console's slider adjusts this session only: saving it here made one session's
        # brighter screen every later session's start (the default is in the settings dialog).
        if self.patient_view is not None:
            self.patient_view.set_dim_level(level)

    def _show_summary(self) -> None:
        if self.bridge is None:
            return
        # Let the last events reach the journal reader before the summary reads it.
        self.bridge.poll()
        from session_player.ui.summary import SummaryScreen

        self.summary = SummaryScreen(self.bridge)
        self.summary.new_session_requested.connect(self.new_session)
        self.stack.show_page(self.summary)

    def new_session(self) -> None:
        self._close_session()
        self.start_screen.reset_patient()
        self.stack.show_page(self.start_screen)

    def _close_session(self) -> None:
        if self.supervisor_link is not None:
            self.supervisor_link.session_closed()  # closed on purpose: nothing to restart
        if self.patient_view is not None:
            self.patient_view.allow_close()
            self.patient_view.close()
            self.patient_view.deleteLater()
            self.patient_view = None
            self._restore_console()
        if self.bridge is not None:
            self.bridge.stop()
            self.bridge.deleteLater()
            self.bridge = None
        if self.engine is not None:
            self.engine.close()
            self.engine = None
        for page in (self.console, self.summary):
            self.stack.remove_page(page)
        self.console = None
        self.summary = None

    # --- the patient's screen ------------------------------------------------------------------

    def _second_screen(self):
        screens = QGuiApplication.screens()
        primary = QGuiApplication.primaryScreen()
        others = [screen for screen in screens if screen is not primary]
        return others[0] if others else None

    def show_patient_view(self) -> None:
        from session_player.ui.fades import tween

        view = self.patient_view
        if view is None:
            return
        screen = self._second_screen() or self.screen()
        view.setScreen(screen)
        view.setGeometry(screen.geometry())
        if not view.isVisible():
            # Window fades need a compositor; without one they are simply not seen.
            view.setWindowOpacity(0.0)
        two_screens = self._second_screen() is not None
        view.set_takes_focus(not two_screens)
        view.show_full_screen()
        if two_screens:
            # The console beside it keeps the keyboard (D, C, A, Space): the patient's
            # window never takes it, at the start, after P or after a tap.
            self.raise_()
            self.activateWindow()
        if self.supervisor_link is not None:
            self.supervisor_link.screen_shown("patient")  # after a crash, back to this view
        self._window_fade = tween(
            view, view.windowOpacity(), 1.0, theme.FADE_MS, view.setWindowOpacity
        )
        if not two_screens:
            # Once the view covers the screen: hidden, the console cannot be reached by the
            # window manager (Alt+Tab, a task bar) without the hold (issue 10, item 17).
            self._window_fade.finished.connect(self._hide_console_behind_patient_view)

    def _hide_console_behind_patient_view(self) -> None:
        view = self.patient_view
        if view is None or not view.isVisible() or view.windowOpacity() < 0.99:
            return  # unlocked (or going) meanwhile
        if self._second_screen() is not None:
            return
        self._console_state = self.windowState()
        self._console_hidden = True
        self.hide()

    def _restore_console(self) -> None:
        """Back from hidden behind the patient view, as it was (maximised stays maximised)."""
        if not self._console_hidden:
            return
        self._console_hidden = False
        if self._console_state is not None:
            self.setWindowState(self._console_state)
        self.show()

    def hide_patient_view(self) -> None:
        """After the unlock: one screen returns to the console; two screens keep the view.

        The patient's window fades out rather than vanishing, so the brighter console does
        not flash up on a screen the patient may still be looking at.
        """
        from session_player.ui.fades import tween

        view = self.patient_view
        if view is None:
            return
        if self._second_screen() is None:
            self._window_fade = tween(
                view, view.windowOpacity(), 0.0, theme.FADE_MS, view.setWindowOpacity
            )
            self._window_fade.finished.connect(view.hide)
            self._restore_console()
            if self.supervisor_link is not None:
                self.supervisor_link.screen_shown("console")
        self.raise_()
        self.activateWindow()

    @property
    def launch_results(self) -> LaunchResults | None:
        """The start helper's answers at launch (None without the helper)."""
        return self._launch_results

    def _on_page_changed(self, _index: int) -> None:
        if self.stack.currentWidget() is self.start_screen:
            self.start_screen.focus_first_field()
        elif self._resume_offer is not None and self.stack.currentWidget() is self._resume_offer:
            # Enter or Space resumes: the keyboard's way to the one thing this page is for.
            self._resume_offer.resume.setFocus()
        self.update_title()

    def update_title(self) -> None:
        """The title names the page, as a window manager's task list and Alt+Tab show it.

        A page may say more (the pre-flight says when it is ready to start); nothing that
        identifies the patient goes into a title: other programs and screen sharing read it.
        """
        page = self.stack.currentWidget()
        name = getattr(page, "page_title", None)
        text = name() if callable(name) else name
        # Qt adds " — Session Player" (the application's display name) itself.
        self.setWindowTitle(text or "Session Player")

    def show_first(self) -> None:
        """Show the window at launch: maximised on a small screen (see ``_fit_to_screen``).

        The start helper's answers may all be in already (see LaunchResults.deliver_if_ready):
        then the start screen is complete as it is shown, and start_ready comes now. Not
        from a showEvent override: its event would cost QEvent's Python type (2 ms) at launch.
        """
        self.update_title()
        if self.start_maximized:
            self.showMaximized()
        else:
            self.show()
        self.start_screen.focus_first_field()
        self._check_start_ready()

    # --- the window ----------------------------------------------------------------------------

    def session_running(self) -> bool:
        return self.bridge is not None and self.bridge.state.live

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        from PySide6.QtWidgets import QMessageBox

        closing = QMessageBox.StandardButton.Close
        asks = self.session_running() or self._events_not_saved() > 0
        if asks and self.confirm_close().exec() != closing:
            event.ignore()
            return
        self.shutdown()
        event.accept()

    def confirm_close(self) -> QMessageBox:
        """The "are you sure?" box for closing mid-session, in the room's colours.

        No icon: the platform's question mark is a saturated blue disc, the brightest thing
        on a dim screen. Cancel is the default, so Enter never stops the patient's sound.
        """
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setObjectName("confirm_close")
        box.setIcon(QMessageBox.Icon.NoIcon)
        running = self.session_running()
        box.setWindowTitle("A session is running" if running else "The record is not saved")
        words = []
        if running:
            box.setText("A session is running. Close Session Player?")
            words.append(
                "Closing stops the sound in the patient's headphones (it fades out). The "
                "session stays in the journal and is offered for resuming at the next start."
            )
        else:
            box.setText("Part of the record is not saved. Close Session Player?")
        unsaved = self._events_not_saved()
        if unsaved:
            # Held in memory while the disk refuses them (journal.HeldEvents): closing loses them.
            words.append(
                f"{unsaved} event{'s' if unsaved != 1 else ''} of this session could not be "
                "written yet (the disk refuses them) and would be lost. Free space on the "
                "disk first, or make sure they are on paper."
            )
        box.setInformativeText(" ".join(words))
        box.setStandardButtons(QMessageBox.StandardButton.Cancel | QMessageBox.StandardButton.Close)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Cancel).setText("Keep the session open")
        box.button(QMessageBox.StandardButton.Close).setText(
            "Close and stop the sound" if running else "Close and lose them"
        )
        return box

    def _events_not_saved(self) -> int:
        """Events of this session held in memory because the disk refused them."""
        if self.engine is None:
            return 0
        return self.engine.timeline.journal_saving.waiting

    def shutdown(self) -> None:
        """Remember the window, stop the workers, close the session (it stays resumable).

        Closing mid-session goes into the journal first: the record must say why the sound
        stopped and the session has no end, and that it was not a crash.
        """
        if self.session_running() and not self._shutting_down:
            from session_player.session.command_table import ADD_NOTE

            self.bridge.run(ADD_NOTE, CLOSED_MID_SESSION_NOTE)
        self._shutting_down = True
        self.settings.window_geometry = self.saveGeometry()
        self.settings.sync()
        if self._launch_results is not None:
            self._launch_results.close()
        self._runner.cancel_all()
        self._runner.wait(5000)
        self.start_screen.shutdown()
        if self._preflight is not None:
            self._preflight.shutdown()
        self._close_session()
