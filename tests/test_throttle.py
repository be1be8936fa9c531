"""The per-client windows behind the upload budget and the failed-login limit stay bounded."""

from counterwatch.web.throttle import SlidingWindow


def test_amounts_leave_the_window_when_it_has_passed():
    w = SlidingWindow(60)
    w.add("a", 5, now=0)
    w.add("a", 3, now=30)
    assert w.total("a", now=59) == 8
    assert w.total("a", now=61) == 3  # the first amount is older than the window
    assert w.total("b", now=61) == 0 and len(w) == 1  # asking about a client remembers nothing


def test_a_full_table_forgets_stale_clients_first_then_the_least_recently_seen():
    w = SlidingWindow(60, max_keys=3)
    w.add("stale", 1, now=0)
    w.add("old", 1, now=50)
    w.add("recent", 1, now=70)
    w.add("new", 1, now=80)  # full: "stale" has left the window
    assert len(w) == 3 and w.total("stale", now=80) == 0 and w.total("old", now=80) == 1
    w.add("newer", 1, now=90)  # full of live clients: the least recently seen goes
    assert len(w) == 3 and w.total("old", now=90) == 0 and w.total("recent", now=90) == 1
    w.add("recent", 1, now=95)  # seen again: it moves to the back
    w.add("last", 1, now=96)
    assert w.total("recent", now=96) == 2 and w.total("new", now=96) == 0


def test_ten_thousand_clients_never_grow_the_table_past_its_bound():
    w = SlidingWindow(600, max_keys=1000)
    for i in range(10_000):
        w.add(("10.0.0.1", f"user{i}"), now=i * 0.01)
    assert len(w) == 1000
    w.forget(("10.0.0.1", "user9999"))
    assert len(w) == 999
