"""A class at once: N concurrent sessions against one app server (or a proxy in front of several), each walking a
lesson mix for a fixed time, as a table of per-action latency, errors and server memory (no pass/fail):
``python benchmarks/load_test.py [--sessions 1 10 30] [--seconds 60] [--url http://127.0.0.1:PORT] [--write]``.

Each session is a Streamlit client speaking the app's own websocket protocol as a browser does: a rerun with its
widget states, for the fragment the changed widget is drawn in (a slider inside ``st.fragment`` reruns that
fragment only), listing the large messages it still holds (the server then sends their hashes instead; like the
browser, it forgets a message after two runs without it); it waits for the script's deltas and its end. So 30
sessions cost the client side almost nothing and the figures are the server's. Per session, in a loop with 1-2 s of thinking between actions:
open the InfoGAN page and release its c2 slider at a new value (the live widgets off: the Streamlit slider path,
answered by the server), open the Latent map and click a test image (a chart selection event), open Gaps and pin a
point, open the Lesson and press Next. Latency: from the message sent to the script's end (``script_finished``);
for the slider, to the first new image. Errors: exceptions shown in the page, error elements, dropped
connections, actions not answered within 60 s. Server memory: the resident set (``/proc/<pid>/status``) before
the sessions connect, its peak while they run (what concurrent runs allocate at once), and what it holds once every
session has finished its loop and sits connected and idle (what each session keeps); before the first level the
server has served a warm-up and finished the background work it started. Loopback only; bounded in sessions and
time.

``--trainings K``: K more sessions train a model on Train it yourself through each level (10,000 Fashion-MNIST
images, 30 epochs: longer than a level), started 3 s before the class acts; each reruns the page's timed fragments
as a browser does (the live panel every 0.5 s, the sidebar's heartbeat every 2 s). The server runs
``$EXPLORER_TRAIN_WORKERS`` trainings at once (2 by default) and queues the rest. Their table rows: opening the
page, pressing Train, a live panel refresh; the training workers' memory is their own processes' (the server's
children), summed at its peak. Written to section ``load-train``.

Without ``--url`` the benchmark starts its own server (``python -m explorer.ui.shell.serve``) and stops it; with one it
measures that server, e.g. the two-replica proxy of ``scripts/serve_class.sh`` (memory is then not measured).
``--write`` puts the table in docs/benchmarks.md (section ``load``, or ``load-proxy`` with ``--url``) and its
figures in the README.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from benchmarks import report  # noqa: E402
from explorer import generated  # noqa: E402

TIMEOUT_S = 60
THINK_S = (1.0, 2.0)
MAX_MESSAGE_AGE = 2         # Streamlit's global.maxCachedMessageAge: how long the browser keeps a message unused
ACTIONS = ("open InfoGAN", "slider release → image", "open Latent map", "map click → decode", "open Gaps",
           "Gaps click → decode", "open Lesson", "Lesson Next")
# With --trainings K: K more sessions open Train it yourself, press Train (a long run) and then do what the page's
# browser does, rerun its two timed fragments (the live panel every 0.5 s, the sidebar's heartbeat every 2 s).
TRAIN_ACTIONS = ("open Train it yourself", "press Train", "live panel refresh")
TRAINING = {"train_images": 10_000, "train_epochs": 30}


class Session:
    """One browser's worth of protocol: rerun requests with the widget states, deltas in."""

    def __init__(self, url: str, rng: random.Random):
        self.url, self.rng = url, rng
        self.states: dict[str, object] = {}       # widget id -> (kind, value)
        self.ids: dict[str, str] = {}             # user key -> widget id
        self.fragments: dict[str, str] = {}       # widget id -> the fragment it is drawn in
        self.fragment = ""                        # the fragment the next rerun is for ("" for the page)
        self.pages: dict[str, str] = {}           # url path -> page script hash
        self.page = ""
        self.errors: list[str] = []
        self.cache: dict[str, list] = {}          # message hash -> [message, script run it was last used in]
        self.runs = 0
        self.session_id = ""
        self.query = ""                           # the page URL's query string (a link's parameters)
        self.seen_fragments: set[str] = set()     # fragments drawn so far (a timed one is rerun by the browser)
        self.live_fragment = ""                   # the fragment that draws a progress bar (Train it yourself)

    async def connect(self):
        import websockets

        self.ws = await websockets.connect(self.url.replace("http", "ws", 1) + "/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None, open_timeout=TIMEOUT_S)

    async def rerun(self, page: str | None = None, wait_for_image: bool = False, query: str | None = None) -> float:
        """Send a rerun (of ``page``, or the current one) with every widget state; seconds until the script has
        finished (or, with ``wait_for_image``, until the first image arrives)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if page is not None:
            self.page, self.fragment = page, ""
        if query is not None:
            self.query = query
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.pages.get(self.page, "")
        state.fragment_id = self.fragment
        state.cached_message_hashes.extend(self.cache)
        for wid, (kind, value) in self.states.items():
            w = state.widget_states.widgets.add()
            w.id = wid
            if kind == "double_array_value":
                w.double_array_value.data[:] = value
            elif kind == "file_uploader_state_value":
                w.file_uploader_state_value.CopyFrom(value)
            else:
                setattr(w, kind, value)
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        image_at = None
        while True:
            data = await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)
            fm = self._resolve(ForwardMsg.FromString(data))
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id
            elif kind == "navigation":
                for p in fm.navigation.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                if fm.delta.fragment_id:
                    self.seen_fragments.add(fm.delta.fragment_id)
                self._element(fm.delta.new_element, fm.delta.fragment_id)
                if wait_for_image and image_at is None and fm.delta.new_element.WhichOneof("type") == "imgs":
                    image_at = time.perf_counter()
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue                                 # another run follows (a callback's st.rerun)
                if fm.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors.append("the script did not compile")
                self._age_cache()
                self.fragment = ""
                return (image_at or time.perf_counter()) - started

    def _resolve(self, fm):
        """What the browser's message cache does: keep each cacheable message (the server sends large elements'
        hashes instead when the rerun request lists them) and put the message back for a hash."""
        if fm.WhichOneof("type") == "ref_hash":
            entry = self.cache.get(fm.ref_hash)
            if entry is None:
                raise RuntimeError(f"the server referred to a message this client never cached ({fm.ref_hash})")
            entry[1] = self.runs
            return entry[0]
        if fm.metadata.cacheable:
            self.cache[fm.hash] = [fm, self.runs]
        return fm

    def _age_cache(self) -> None:
        """The browser forgets a cached message after ``global.maxCachedMessageAge`` (2) runs without it; a fragment's
        run ages only that fragment's messages."""
        self.runs += 1
        for key, (fm, used) in list(self.cache.items()):
            in_run = not self.fragment or fm.delta.fragment_id == self.fragment
            if in_run and self.runs - used > MAX_MESSAGE_AGE:
                del self.cache[key]

    def _element(self, el, fragment: str) -> None:
        kind = el.WhichOneof("type")
        if kind == "progress" and fragment:
            self.live_fragment = fragment
        if kind == "exception":
            self.errors.append(f"exception: {el.exception.type} {el.exception.message[:80]}")
        elif kind == "alert" and el.alert.format == 1:    # st.error
            self.errors.append(f"error: {el.alert.body[:80]}")
        widget = getattr(el, kind, None) if kind else None
        wid = getattr(widget, "id", "") if widget is not None else ""
        if wid and "-" in wid:
            self.ids[wid.rsplit("-", 1)[-1]] = wid
            self.fragments[wid] = fragment

    async def upload(self, key: str, name: str, data: bytes) -> None:
        """What the browser does with a file chosen in the uploader ``key``: ask for an upload URL over the
        websocket, PUT the file there (multipart, as the browser's form), then set the uploader's state to it."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.Common_pb2 import FileUploaderState
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.file_urls_request.request_id = request = f"upload-{self.rng.random()}"
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        await self.ws.send(msg.SerializeToString())
        while True:
            fm = self._resolve(ForwardMsg.FromString(await asyncio.wait_for(self.ws.recv(), TIMEOUT_S)))
            if fm.WhichOneof("type") == "file_urls_response" and fm.file_urls_response.response_id == request:
                urls = fm.file_urls_response.file_urls[0]
                break
        await asyncio.to_thread(_put_multipart, self.url + urls.upload_url, name, data)
        state = FileUploaderState()
        info = state.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, name, len(data)
        info.file_urls.CopyFrom(urls)
        self.set(key, "file_uploader_state_value", state)

    def set(self, key: str, kind: str, value) -> None:
        """Change a widget, as the browser does: the next rerun is for the fragment the widget is drawn in."""
        wid = self.ids[key]
        self.states[wid] = (kind, value)
        self.fragment = self.fragments.get(wid, "")


async def lesson_mix(url: str, seconds: float, seed: int, out: dict[str, list[float]], errors: list[str],
                     hold: Hold | None = None) -> None:
    rng = random.Random(seed)
    s = Session(url, rng)
    try:
        await s.connect()
        await s.rerun("")
        s.set("live_widgets", "bool_value", False)              # the server-answered path for every widget
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            out["open InfoGAN"].append(await s.rerun("InfoGAN_codes"))
            await asyncio.sleep(rng.uniform(*THINK_S))
            s.set("gan_c2", "double_array_value", [round(rng.uniform(-2, 2), 2)])
            out["slider release → image"].append(await s.rerun(wait_for_image=True))
            await asyncio.sleep(rng.uniform(*THINK_S))
            out["open Latent map"].append(await s.rerun("Latent_map"))
            await asyncio.sleep(rng.uniform(*THINK_S))
            point = {"curve_number": rng.randint(1, 10), "point_index": rng.randint(0, 150), "x": 0.0, "y": 0.0}
            s.set("map_chart", "string_value", json.dumps(
                {"selection": {"points": [point], "point_indices": [point["point_index"]], "box": [], "lasso": []}}))
            out["map click → decode"].append(await s.rerun())
            s.states.pop(s.ids["map_chart"], None)
            await asyncio.sleep(rng.uniform(*THINK_S))
            out["open Gaps"].append(await s.rerun("Gaps"))
            await asyncio.sleep(rng.uniform(*THINK_S))
            s.set("gaps_z1", "double_value", round(rng.uniform(-2, 2), 2))
            out["Gaps click → decode"].append(await s.rerun())
            await asyncio.sleep(rng.uniform(*THINK_S))
            out["open Lesson"].append(await s.rerun("Lesson"))
            await asyncio.sleep(rng.uniform(*THINK_S))
            s.set("lesson_next", "trigger_value", True)
            out["Lesson Next"].append(await s.rerun())
            s.states.pop(s.ids["lesson_next"], None)
            await asyncio.sleep(rng.uniform(*THINK_S))
    except Exception as e:      # a dropped connection or a timeout counts as an error of this session
        errors.append(f"{type(e).__name__}: {e}"[:120])
    finally:
        errors.extend(s.errors)
        if hold is not None:                     # stay connected, idle, until the server's memory is read
            hold.finished += 1
            await hold.release.wait()
        if hasattr(s, "ws"):
            await s.ws.close()


def _put_multipart(url: str, name: str, data: bytes) -> None:
    import urllib.request

    boundary = "----lse-load-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(url if url.startswith("http") else url, data=body, method="PUT",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    urllib.request.urlopen(request, timeout=TIMEOUT_S).read()


def photo(seed: int) -> bytes:
    """A 12 MP (4000 x 3000) phone-sized JPEG under the 2 MB upload limit, different for each ``seed``: a dark
    stroke on light paper with a gradient, as a photo of a drawn digit."""
    import io

    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    img = Image.fromarray(np.linspace(170, 235, 4000, dtype=np.uint8)[None, :].repeat(3000, 0)).convert("RGB")
    draw = ImageDraw.Draw(img)
    x, y = 1500 + int(rng.integers(-300, 300)), 700 + int(rng.integers(-200, 200))
    draw.line([(x, y), (x + 900, y), (x + 300, y + 1500)], fill=(30, 30, 40), width=int(rng.integers(120, 200)))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


HEAVY_ACTIONS = ("12 MP photo → readings", "custom UMAP link → map")


async def heavy_mix(url: str, seconds: float, seed: int, out: dict[str, list[float]], errors: list[str]) -> None:
    """A heavy user: uploads a new 12 MP photo on Your own, then opens a link to a custom UMAP map of the 16-D VAE
    (new parameters each time, so nothing is cached), in a loop with 1-2 s of thinking between."""
    rng = random.Random(1000 + seed)
    s = Session(url, rng)
    try:
        await s.connect()
        await s.rerun("")
        s.set("live_widgets", "bool_value", False)
        deadline, turn = time.perf_counter() + seconds, 0
        while time.perf_counter() < deadline:
            await s.rerun("Your_own", query="own_source=Upload")
            await s.upload("own_upload", f"photo-{seed}-{turn}.jpg", photo(100 * seed + turn))
            out[HEAVY_ACTIONS[0]].append(await s.rerun())
            await asyncio.sleep(rng.uniform(*THINK_S))
            neighbours, dist = 5 + (7 * seed + 3 * turn) % 90, round(0.01 * ((13 * seed + 7 * turn) % 90), 2)
            out[HEAVY_ACTIONS[1]].append(await s.rerun(
                "Latent_map", query=f"map_model=vae-16d&map_method=umap&map_n_neighbors={neighbours}"
                                    f"&map_min_dist={dist}"))
            await asyncio.sleep(rng.uniform(*THINK_S))
            turn += 1
    except Exception as e:
        errors.append(f"heavy {type(e).__name__}: {e}"[:120])
    finally:
        errors.extend(s.errors)
        if hasattr(s, "ws"):
            await s.ws.close()


async def trainer(url: str, seconds: float, seed: int, out: dict[str, list[float]], errors: list[str]) -> None:
    """One student training a model for the whole level (see :data:`TRAIN_ACTIONS`)."""
    s = Session(url, random.Random(seed))
    try:
        await s.connect()
        await s.rerun("")
        s.set("dataset", "string_value", "Fashion-MNIST")
        out["open Train it yourself"].append(await s.rerun("Train_it_yourself"))
        for key, value in TRAINING.items():
            s.set(key, "double_array_value", [value])
        s.set("train_seed", "int_value", seed)
        await s.rerun()
        s.set("train_start", "trigger_value", True)
        out["press Train"].append(await s.rerun())
        s.states.pop(s.ids["train_start"], None)
        deadline, beat = time.perf_counter() + seconds, 0
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.5)
            beat += 1
            if s.live_fragment:                            # the live panel every 0.5 s
                s.fragment = s.live_fragment
                out["live panel refresh"].append(await s.rerun())
            if beat % 4 == 0:                              # the sidebar's heartbeat every 2 s
                for fragment in sorted(s.seen_fragments - {s.live_fragment}):
                    s.fragment = fragment
                    await s.rerun()
    except Exception as e:
        errors.append(f"trainer: {type(e).__name__}: {e}"[:120])
    finally:
        errors.extend(s.errors)
        if hasattr(s, "ws"):
            await s.ws.close()


async def run_mixed(url: str, light: int, heavy: int, seconds: float, pid: int) -> dict:
    """``light`` sessions walking the lesson mix and ``heavy`` ones uploading photos and opening custom UMAP links,
    together: every action's latencies, the errors, the server's RSS before and at its peak."""
    out: dict[str, list[float]] = {a: [] for a in (*ACTIONS, *HEAVY_ACTIONS)}
    errors: list[str] = []
    before, peak = rss_mb(pid), [0.0]

    async def sample() -> None:
        while True:
            peak[0] = max(peak[0], rss_mb(pid))
            await asyncio.sleep(0.25)

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(lesson_mix(url, seconds, seed, out, errors) for seed in range(light)),
                         *(heavy_mix(url, seconds, seed, out, errors) for seed in range(heavy)))
    sampler.cancel()
    return {"times": out, "errors": errors, "rss": (before, peak[0])}


def mixed_table(light: int, heavy: int, r: dict) -> str:
    lines = ["| sessions | action | count | p50 | p95 |", "|---|---|---:|---:|---:|"]
    for action in ("slider release → image", "map click → decode", "Gaps click → decode", *HEAVY_ACTIONS):
        t = [1e3 * v for v in r["times"][action]]
        who = f"{heavy} heavy" if action in HEAVY_ACTIONS else f"{light} light"
        lines.append(f"| {who} | {action} | {len(t)} | {percentile(t, 0.5):.0f} ms | "
                     f"**{percentile(t, 0.95):.0f} ms** |")
    before, peak = r["rss"]
    lines += ["", f"Server RSS {before:.0f} MB before, **{peak:.0f} MB** at its peak (**+{peak - before:.0f} MB**); "
                  f"{len(r['errors'])} errors."]
    return "\n".join(lines)


class Hold:
    """Keeps finished sessions connected until ``release`` is set."""

    def __init__(self):
        self.finished = 0
        self.release = asyncio.Event()


def rss_mb(pid: int) -> float:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:                 # a process that has just ended
        return 0.0
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_level(url: str, n: int, seconds: float, pid: int | None = None, trainings: int = 0
                    ) -> tuple[dict, list[str], tuple]:
    """Every action's latencies, the errors, and the server's RSS in MB: its peak while the sessions ran, and what
    it holds once they have all finished and sit connected and idle (None without ``pid``); with ``trainings``,
    also the peak of the training workers' RSS, summed (the server's child processes)."""
    out: dict[str, list[float]] = {a: [] for a in ACTIONS + TRAIN_ACTIONS}
    errors: list[str] = []
    peak = [0.0, 0.0]
    hold = Hold() if pid else None
    trainers = [trainer(url, seconds + 5, 100 + k, out, errors) for k in range(trainings)]

    async def sample() -> None:
        while True:
            peak[0] = max(peak[0], rss_mb(pid))
            peak[1] = max(peak[1], sum(rss_mb(c) for c in children(pid)))
            await asyncio.sleep(0.5)

    if not pid:
        await asyncio.gather(*trainers, *(lesson_mix(url, seconds, seed, out, errors) for seed in range(n)))
        return out, errors, None
    sampler = asyncio.create_task(sample())
    training = asyncio.gather(*trainers)
    if trainings:
        await asyncio.sleep(3)                       # the trainings start before the class acts
    sessions = asyncio.gather(*(lesson_mix(url, seconds, seed, out, errors, hold) for seed in range(n)))
    while hold.finished < n:
        await asyncio.sleep(0.2)
    sampler.cancel()
    await training
    await asyncio.to_thread(wait_until_idle, pid)
    held = rss_mb(pid)
    hold.release.set()
    await sessions
    return out, errors, (peak[0], held, peak[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the app's training workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")       # utime + stime


def wait_until_idle(pid: int, limit_s: float = 180) -> float:
    """Seconds until the server has used under 5 % of a core for two seconds running (the Lesson's first visit
    starts a background thread that draws the training replay, ~10 s of CPU here), at most ``limit_s``."""
    started, quiet = time.perf_counter(), 0
    last = cpu_seconds(pid)
    while quiet < 2 and time.perf_counter() - started < limit_s:
        time.sleep(1)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.05 else 0
        last = now
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def table(levels: dict[int, dict]) -> str:
    lines = ["| sessions | action | count | p50 | p95 | errors |", "|---:|---|---:|---:|---:|---:|"]
    for n, r in levels.items():
        for i, action in enumerate(a for a in ACTIONS + TRAIN_ACTIONS if r["times"].get(a)):
            t = [1e3 * v for v in r["times"][action]]
            lines.append(f"| {n} | {action} | {len(t)} | {percentile(t, 0.5):.0f} ms | "
                         f"**{percentile(t, 0.95):.0f} ms** | {len(r['errors']) if i == 0 else ''} |")
    if not any(r.get("rss") for r in levels.values()):
        return "\n".join(lines)
    lines += ["", "| sessions | server RSS before | peak while they ran | peak growth per session | "
                  "with the sessions connected and idle | held per session |", "|---:|---:|---:|---:|---:|---:|"]
    for n, r in levels.items():
        if r.get("rss"):
            before, peak, held = r["rss"][:3]
            count = r.get("n", n)
            lines.append(f"| {n} | {before:.0f} MB | {peak:.0f} MB | {(peak - before) / count:.1f} MB | {held:.0f} MB | "
                         f"{(held - before) / count:.1f} MB |")
    workers = {n: r["rss"][3] for n, r in levels.items() if r.get("rss") and len(r["rss"]) > 3 and r["rss"][3]}
    if workers:
        lines += ["", "| sessions | training workers' RSS, peak of their sum |", "|---:|---:|"]
        lines += [f"| {n} | {mb:.0f} MB |" for n, mb in workers.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import browser_app as b

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="an app already running (loopback); default: start one")
    parser.add_argument("--label", default="one server", help="what --url is, for the table")
    parser.add_argument("--trainings", type=int, default=0,
                        help="this many more sessions each train a model (Train it yourself) through each level")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--mixed", type=int, nargs=2, metavar=("LIGHT", "HEAVY"),
                        help="instead of the levels: LIGHT lesson-mix sessions and HEAVY ones (12 MP photos, custom "
                             "UMAP links) at once, e.g. --mixed 20 5 (section load-mixed)")
    args = parser.parse_args(argv)
    if any(n > 60 for n in args.sessions) or args.seconds > 600 or args.trainings > 8:
        raise SystemExit("bounded: at most 60 sessions, 8 trainings and 600 s per level")
    if args.mixed:
        return mixed(*args.mixed, args.seconds, args.write)

    def measure(url: str, pid: int | None) -> dict:
        asyncio.run(run_level(url, 4, 10))          # warm every replica's caches (not counted)
        if pid:                                     # and let the server finish what those visits started
            print(f"server idle after the warm-up: {wait_until_idle(pid):.0f} s", flush=True)
        levels = {}
        for n in args.sessions:               # with --trainings: each level without, then with them
            for k in ((0, args.trainings) if args.trainings else (0,)):
                before = rss_mb(pid) if pid else None
                times, errors, rss = asyncio.run(run_level(url, n, args.seconds, pid, k))
                label = f"{n} + {k} training{'s' * (k != 1)}" if args.trainings else n
                levels[label] = {"n": n, "times": times, "errors": errors, "rss": (before, *rss) if pid else None}
                worst = max(percentile(v, 0.95) for v in times.values() if v) * 1e3
                print(f"{label} sessions: {sum(map(len, times.values()))} actions, {len(errors)} errors, worst p95 "
                      f"{worst:.0f} ms", flush=True)
                for e in errors[:5]:
                    print("   ", e)
        return levels

    if args.url:
        if not args.url.startswith(("http://127.0.0.1", "http://localhost")):
            raise SystemExit("loopback only")
        levels = measure(args.url, None)
    else:
        import tempfile

        env = {"EXPLORER_TRAINED": tempfile.mkdtemp(prefix="load-trained-")} if args.trainings else None
        with b.streamlit_server(env=env, preload=True) as (url, _):
            pid = int(next(p for p in os.listdir("/proc") if p.isdigit() and _is_server(int(p), url)))
            levels = measure(url, pid)
    text = table(levels)
    print(text)
    if args.write:
        from bench_app import hardware

        trains = f" --trainings {args.trainings} --sessions {' '.join(map(str, args.sessions))}" if args.trainings else ""
        title = f"{args.label}, while {args.trainings} students train a model" if args.trainings else args.label
        doc = (f"## A class at once: {title}\n\nMeasured {report.stamp()} by `python benchmarks/load_test.py"
               f"{' --url … --label ' + repr(args.label) if args.url else ''}{trains}` ({args.seconds:.0f} s per "
               f"level; its docstring says what each figure is).\n\n{text}\n\n**Hardware:** {hardware()}.\n")
        section = ("load-proxy" if args.url else "load") + ("-train" if args.trainings else "")
        report.write_section(REPO / "docs" / "benchmarks.md", section, doc)
        if not args.trainings:
            generated.write_block(REPO / "README.md", *report.readme_block(section, doc))  # the README quotes it


def mixed(light: int, heavy: int, seconds: float, write: bool) -> None:
    """The mixed scenario on a server of its own (uploads need no XSRF cookie there: loopback, this client only)."""
    import browser_app as b

    if light + heavy > 60:
        raise SystemExit("bounded: at most 60 sessions")
    env = {"STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false"}
    with b.streamlit_server(env=env, preload=True) as (url, _):
        pid = int(next(p for p in os.listdir("/proc") if p.isdigit() and _is_server(int(p), url)))
        asyncio.run(run_level(url, 4, 10))                 # warm the caches (not counted)
        print(f"server idle after the warm-up: {wait_until_idle(pid):.0f} s", flush=True)
        result = asyncio.run(run_mixed(url, light, heavy, seconds, pid))
    text = mixed_table(light, heavy, result)
    print(text)
    for e in result["errors"][:8]:
        print("   ", e)
    if write:
        from bench_app import hardware

        doc = (f"## Fair sharing: {light} light sessions and {heavy} heavy ones\n\nMeasured {report.stamp()} by "
               f"`python benchmarks/load_test.py --mixed {light} {heavy} --seconds {seconds:.0f}`: the light "
               f"sessions walk the lesson mix (the levels above), the heavy ones upload a new 12 MP photo to Your "
               f"own and open a link to a new custom UMAP map, in turn, with 1-2 s of thinking between actions. "
               f"Heavy work runs in the server's pool (`explorer/ui/shell/heavy.py`, one at a time).\n\n{text}\n\n"
               f"**Hardware:** {hardware()}.\n")
        report.write_section(REPO / "docs" / "benchmarks.md", "load-mixed", doc)


def _is_server(pid: int, url: str) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"explorer.ui.shell.serve" in cmd and url.rsplit(":", 1)[1].encode() in cmd


if __name__ == "__main__":
    main()
