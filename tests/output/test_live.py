"""LivePlayer: a steady tick on one thread, posted calls and alerts on that same thread."""


def test_ticks_about_ten_times_a_second_on_one_thread(sdl):
    result = sdl(
        """
        from session_player.output.live import LivePlayer
        ticks, threads, posted = [], set(), []
        def on_tick(tick):
            ticks.append([tick.index, tick.now_s, tick.device.frames_played, tick.state.value])
            threads.add(threading.current_thread().name)
        player = LivePlayer(sine_render(), on_tick=on_tick, on_alert=on_alert)
        def post_from_elsewhere():
            time.sleep(0.3)
            player.call_soon(lambda: posted.append(threading.current_thread().name))
        threading.Thread(target=post_from_elsewhere).start()
        t = time.monotonic()
        asked = []
        def until():
            if time.monotonic() - t > 1.0:
                asked.append(time.monotonic())
                return True
            return False
        player.run(until=until, fade_ms=20)
        stop_took = time.monotonic() - asked[0]
        player.close()
        done(ticks=ticks, threads=sorted(threads), posted=posted, stop_took=stop_took)
        """
    )
    ticks = result["ticks"]
    # TICK_HZ (10) per second for 1 s, and on during the stop (a fade and two device buffers)
    assert 8 <= len(ticks) <= 16
    assert [t[0] for t in ticks] == list(range(len(ticks)))
    assert result["threads"] == ["live-ticks"] and result["posted"] == ["live-ticks"]
    played = [t[2] for t in ticks]
    assert played == sorted(played) and played[-1] > 0.7 * 48000
    states = [t[3] for t in ticks]
    playing = states.count("playing")
    assert playing >= 8 and states[:playing] == ["playing"] * playing  # "idle" only at stop
    # run() returned promptly once until() said so: the fade (20 ms) and two device buffers
    # (~0.1 s here), with room for a busy machine; a stop that waited on anything else
    # (a device that never closes) would take seconds.
    assert result["stop_took"] < 1.0
    assert result["alerts"] == []


def test_alerts_arrive_on_the_tick_thread(sdl):
    result = sdl(
        """
        from session_player.output.live import LivePlayer
        seen = []
        def alert(kind, message):
            seen.append([kind, threading.current_thread().name])
        player = LivePlayer(sine_render(), device_name="Unplugged Headset", on_alert=alert)
        player.start()
        time.sleep(0.2)
        state = player.sink.state.value
        player.close()
        done(seen=seen, state=state)
        """,
        driver="dummy",
    )
    assert result["seen"] == [["device_absent", "live-ticks"]]
    assert result["state"] == "device_absent"
