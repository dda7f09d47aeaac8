"""Load benchmark: visitors arriving over a minute on a real ``territoire dashboard`` (127.0.0.1).

Each visitor is its own Chromium context (empty profile), opens a dashboard (communes and
EPCIs of the warehouse, in turn), reads it for ``--lecture`` seconds and closes the tab.
Figures printed:
- time to title (navigation → the territory's name in the page), p50 and p95, against the
  same figure for one visitor alone on the idle server (the baseline of this run);
- kernels alive and server memory (the server and its kernels: RSS and PSS) at their peak;
- each kernel's memory (median RSS, PSS and private USS) while visitors are there;
- the server's memory two minutes after the last visitor left, against its idle level.
Goals (issue #12): 20 visitors in a minute with p95 ≤ 3 s; memory back to idle two minutes
after they leave; median kernel RSS ≤ 150 MB.

Usage: ``python benchmarks/audience.py [--visiteurs 20] [--duree 60] [--lecture 15] [--noyaux 4]``
against ``$TERRITOIRE_HOME`` (``territoire data demo`` first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import psutil
from playwright.async_api import async_playwright
from server import dashboard_server, server_state

from territoire_data.settings import resolve_home

TITLE = ".territoire-dashboard .territoire-titre h1"
CODES = ["33063", "33281", "epci:243300316", "33069", "33119", "dep:33", "33192", "33318"]


def memory(pid: int) -> dict:
    """RSS and PSS (MB) of a process tree, and the per-kernel figures of its children."""
    root = psutil.Process(pid)
    total_rss = total_pss = 0.0
    kernels = []
    zygotes: set[int] = set()
    for process in [root, *root.children(recursive=True)]:
        try:
            full = process.memory_full_info()
            command = " ".join(process.cmdline())
            parent = process.ppid()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total_rss += full.rss / 2**20
        total_pss += full.pss / 2**20
        if "territoire_data.server.zygote" in command and parent == pid:
            zygotes.add(process.pid)
        # A kernel: forked by the zygote (children come after their parent here), or ordinary.
        elif parent in zygotes or "ipykernel_launcher" in command:
            kernels.append((full.rss / 2**20, full.pss / 2**20, full.uss / 2**20))
    return {"rss": total_rss, "pss": total_pss, "kernels": kernels}


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by the server's process tree, and by the browsers (Chromium)."""
    server = browsers = 0.0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
            server += times.user + times.system + times.children_user + times.children_system
        except psutil.NoSuchProcess:
            continue
    for process in psutil.process_iter(["name"]):
        if "chrom" in (process.info["name"] or ""):
            try:
                times = process.cpu_times()
                browsers += times.user + times.system
            except psutil.NoSuchProcess:
                continue
    return server, browsers


def server_pid(url: str) -> int:
    port = int(url.rsplit(":", 1)[1])
    for connection in psutil.net_connections("tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN and connection.pid:
            return connection.pid
    raise RuntimeError("processus du serveur introuvable")


async def visit(browser, url: str, code: str, reading_s: float) -> float | None:
    """Seconds to the title, or None when the page never showed it (counted as a failure)."""
    context = await browser.new_context(viewport={"width": 1360, "height": 1000})
    page = await context.new_page()
    start = time.perf_counter()
    key = "territoire" if ":" in code else "commune"
    try:
        await page.goto(f"{url}/?{key}={code}", timeout=180_000)
        await page.wait_for_selector(TITLE, timeout=180_000)
    except Exception:
        await context.close()
        return None
    duration = time.perf_counter() - start
    await asyncio.sleep(reading_s)
    await page.close(run_before_unload=True)
    await context.close()
    return duration


async def run(url: str, pid: int, visitors: int, spread_s: float, reading_s: float) -> dict:
    samples: list[dict] = []
    stop = asyncio.Event()

    async def sample():
        while not stop.is_set():
            state = await asyncio.to_thread(server_state, url)
            samples.append({**state, **memory(pid)})
            await asyncio.sleep(2)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        alone = await visit(browser, url, CODES[0], 1)  # the baseline: one visitor, idle server
        await asyncio.sleep(8)  # its kernel is replaced in the pool
        sampler = asyncio.create_task(sample())
        cpu_start = cpu_seconds(pid)
        tasks = []
        for k in range(visitors):
            tasks.append(asyncio.create_task(visit(browser, url, CODES[k % len(CODES)], reading_s)))
            await asyncio.sleep(spread_s / visitors)
        durations = await asyncio.gather(*tasks)
        cpu_end = cpu_seconds(pid)
        left = time.monotonic()
        await browser.close()
    while time.monotonic() - left < 120:  # two minutes after the last visitor left
        await asyncio.sleep(5)
    stop.set()
    await sampler
    cpu = (cpu_end[0] - cpu_start[0], cpu_end[1] - cpu_start[1])
    return {"alone": alone, "durations": durations, "samples": samples, "cpu": cpu}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="Visiteurs simultanés sur le tableau de bord (127.0.0.1).")
    parser.add_argument("--visiteurs", type=int, default=20)
    parser.add_argument("--duree", type=float, default=60.0, help="arrivées étalées sur cette durée (s)")
    parser.add_argument("--lecture", type=float, default=15.0, help="temps passé sur la page (s)")
    parser.add_argument("--noyaux", type=int, default=4, help="noyaux préchauffés")
    parser.add_argument("--plafond", type=int, default=20)
    arguments = parser.parse_args()
    home = resolve_home()
    if not (home / "warehouse" / "manifest.json").exists():
        sys.exit("Aucun entrepôt : lancez d'abord `territoire data demo`.")
    os.environ.setdefault("TERRITOIRE_NO_PROGRESS", "1")
    log = Path(tempfile.mkdtemp(prefix="bench-audience-")) / "serveur.log"
    with dashboard_server(home, kernels=arguments.noyaux, ceiling=arguments.plafond, log=log) as url:
        pid = server_pid(url)
        time.sleep(5)
        idle = memory(pid)
        result = asyncio.run(run(url, pid, arguments.visiteurs, arguments.duree, arguments.lecture))
        after = memory(pid)
        final_state = server_state(url)
    failures = sum(d is None for d in result["durations"])
    durations = [d for d in result["durations"] if d is not None] or [float("nan")]
    samples = result["samples"]
    peak = max(samples, key=lambda s: s["rss"])
    kernels = [k for s in samples if s["open_dashboards"] > 0 for k in s["kernels"]]
    p50, p95 = statistics.median(durations), percentile(durations, 0.95)
    print(
        f"Tableau de bord sous charge : {arguments.visiteurs} visiteurs en {arguments.duree:.0f} s, "
        f"{arguments.lecture:.0f} s de lecture chacun, {arguments.noyaux} noyaux préchauffés, plafond {arguments.plafond}"
    )
    print(f"  entrepôt : {home}")
    print(f"  titre affiché, un visiteur seul (référence)  : {result['alone']:6.2f} s")
    print(
        f"  titre affiché, p50 / p95 sous charge         : {p50:6.2f} s / {p95:6.2f} s   objectif p95 ≤ 3 s   "
        f"rapport p95 / référence {p95 / result['alone']:4.1f} ×"
    )
    print(f"  attente la plus longue                       : {max(durations):6.2f} s   pages sans titre : {failures}")
    print(
        f"  noyaux vivants au plus                       : {max(s['live_kernels'] for s in samples):6d}   "
        f"visiteurs en file au plus : {max(s['waiting'] for s in samples)}"
    )
    server_cpu, browser_cpu = result["cpu"]
    print(
        f"  temps processeur pendant les visites         : serveur et noyaux {server_cpu:5.0f} s, "
        f"navigateurs {browser_cpu:5.0f} s ({server_cpu / arguments.visiteurs:.1f} s par visite côté serveur)"
    )
    print(f"  mémoire du serveur au repos                  : {idle['rss']:7.0f} Mo RSS   {idle['pss']:7.0f} Mo PSS")
    print(f"  mémoire du serveur au plus fort              : {peak['rss']:7.0f} Mo RSS   {peak['pss']:7.0f} Mo PSS")
    print(
        f"  mémoire 2 min après le départ                : {after['rss']:7.0f} Mo RSS   {after['pss']:7.0f} Mo PSS   "
        f"noyaux {final_state['live_kernels']} (pool {arguments.noyaux})"
    )
    if kernels:
        print(
            "  mémoire d'un noyau (médiane)                 : "
            f"{statistics.median(k[0] for k in kernels):6.0f} Mo RSS   {statistics.median(k[1] for k in kernels):6.0f} Mo PSS   "
            f"{statistics.median(k[2] for k in kernels):6.0f} Mo USS   objectif RSS ≤ 150 Mo"
        )


if __name__ == "__main__":
    main()
