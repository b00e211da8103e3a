"""The runner and selectors: every device gets a result, a raising task fails only its device."""

import threading
import time

from netops.devices import runner
from netops.devices.results import DeviceResult, Status
from netops.devices.selectors import Selector, select
from netops.devices.target import DeviceTarget


def t(name, **kw):
    return DeviceTarget(name=name, platform="frr", host="127.0.0.1", username="u", password="p", **kw)


def test_a_raising_task_fails_alone_and_order_is_kept():
    def task(target):
        if target.name == "b":
            raise RuntimeError("boom\nsecond line")
        return DeviceResult(device=target.name, operation="x", status=Status.backed_up)

    run = runner.run("x", [t("a"), t("b"), t("c")], task, max_parallel=3)
    assert [r.device for r in run.results] == ["a", "b", "c"]
    assert [r.status for r in run.results] == [Status.backed_up, Status.failed, Status.backed_up]
    assert run.results[1].reason == "RuntimeError: boom"


def test_max_parallel_is_respected_and_observers_see_every_device():
    active, peak, lock = [0], [0], threading.Lock()
    seen = []

    class Watcher:
        def run_started(self, operation, total):
            seen.append(("start", total))

        def device_done(self, result):
            seen.append(result.device)

        def run_finished(self, run):
            seen.append("end")

    def task(target):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return DeviceResult(device=target.name, operation="x", status=Status.backed_up)

    targets = [t(f"d{i}") for i in range(9)]
    runner.run("x", targets, task, max_parallel=3, observers=[Watcher()])
    assert peak[0] == 3
    assert seen[0] == ("start", 9) and seen[-1] == "end" and len(seen) == 11


def test_selectors():
    targets = [t("wangtai-ex-rt", site="wangtai", town="wangtai", role="router", zones=("extranet",)),
               t("wangtai-v001", site="wangtai-v001", town="wangtai", role="village_ap", zones=("extranet",)),
               t("in-core-1", site="centre", role="core_switch", zones=("intranet",))]
    names = lambda sel: [x.name for x in select(targets, sel)]  # noqa: E731
    assert names(Selector(towns=["wangtai"])) == ["wangtai-ex-rt", "wangtai-v001"]
    assert names(Selector(names=["*-ex-*"])) == ["wangtai-ex-rt"]
    assert names(Selector(zones=["intranet"])) == ["in-core-1"]
    assert names(Selector(roles=["router", "core_switch"], sites=["centre"])) == ["in-core-1"]
    assert names(Selector(platforms=["huawei_vrp"])) == []
    assert Selector().is_empty() and len(names(Selector())) == 3
