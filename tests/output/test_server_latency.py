"""Reading our stream's output latency from what ``pactl list sink-inputs`` prints.

The probe is fed ``pactl``'s output as the server prints it (JSON from pactl 16, the text
of older ones); the live reading against a real server is in test_pulseaudio_latency.py.
"""

from __future__ import annotations

import json

from session_player.output.server_latency import ServerLatencyProbe, stream_latencies_s

PID = 4242


def stream(index: int, pid: int, buffer_us: float, sink_us: float) -> dict:
    return {
        "index": index,
        "buffer_latency_usec": buffer_us,
        "sink_latency_usec": sink_us,
        "properties": {"application.process.id": str(pid)},
    }


def as_json(*streams: dict):
    def run(args):
        return json.dumps(list(streams)) if args[:2] == ["-f", "json"] else None

    return run


TEXT = """Sink Input #3
\tDriver: protocol-native.c
\tBuffer Latency: 62687 usec
\tSink Latency: 13916 usec
\tProperties:
\t\tapplication.name = "ffplay"
\t\tapplication.process.id = "999"
Sink Input #7
\tDriver: protocol-native.c
\tBuffer Latency: 40000 usec
\tSink Latency: 12000 usec
\tProperties:
\t\tapplication.process.id = "4242"
"""


def test_our_streams_latency_is_buffer_plus_sink_latency_found_by_our_pid():
    run = as_json(stream(3, 999, 62687, 13916), stream(7, PID, 40000, 12000))
    assert stream_latencies_s(run, PID) == [(7, 0.052)]


def test_an_older_pactl_without_json_is_read_from_its_text():
    def run(args):
        return "Unknown option -f" if args[0] == "-f" else TEXT

    assert stream_latencies_s(run, PID) == [(7, 0.052)]


def test_no_pactl_or_no_stream_of_ours_gives_no_latency():
    probe = ServerLatencyProbe(run=lambda args: None, pid=PID)
    assert probe.read_once() is None
    assert probe.latency_s is None
    probe = ServerLatencyProbe(run=as_json(stream(3, 999, 62687, 13916)), pid=PID)
    assert probe.read_once() is None
    assert probe.latency_s is None


def test_the_latency_is_the_median_of_the_newest_streams_recent_readings():
    readings = iter([0.050, 0.058, 0.049, 0.090, 0.051])
    probe = ServerLatencyProbe(
        run=lambda args: json.dumps([stream(7, PID, next(readings) * 1e6, 0)]), pid=PID
    )
    for _ in range(5):
        probe.read_once()
    assert probe.latency_s == 0.051  # one odd reading does not move it
    # A reopened device is a new stream: only its own readings count.
    probe._run = as_json(stream(7, PID, 50000, 0), stream(9, PID, 30000, 10000))
    assert probe.read_once() == 0.040
    assert probe.latency_s == 0.040


def test_an_implausible_reading_is_not_taken():
    probe = ServerLatencyProbe(run=as_json(stream(7, PID, 5e6, 0)), pid=PID)
    assert probe.read_once() is None
    assert probe.latency_s is None
