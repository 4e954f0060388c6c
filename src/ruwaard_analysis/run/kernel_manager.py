"""The jupyter_client side of forked kernels (imported in the worker processes only)."""

from __future__ import annotations

import os
import sys
import time
from queue import Empty
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_client.utils import ensure_async, run_sync
from traitlets import DottedObjectName

from .kernels import TEMPLATE_ENV, ForkedKernelProcess, fork_kernel, split_kernel_cmd


class ForkingProvisioner(LocalProvisioner):
    """Starts the kernel as a fork of the run's template (``$RUWAARD_KERNEL_TEMPLATE``)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        path = os.environ.get(TEMPLATE_ENV)
        split = split_kernel_cmd(cmd)
        if not path or split is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            pid = fork_kernel(path, split[1], cwd, env, interpreter=split[0])
        except OSError as exc:
            print(f"kernel template unusable ({exc}); starting the kernel the usual way",
                  file=sys.stderr)  # fmt: skip
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernelProcess(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = pid  # the child called setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


class ReadyClient(BlockingKernelClient):
    """jupyter_client's blocking client, ready as soon as the kernel answered ``kernel_info``.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until 0,2 s pass without a
    message: at least 0,2 s of waiting per kernel, before its first cell can run. What it
    drains are the status messages of the ``kernel_info`` request; nbclient reads only the
    messages of the cell it executes (by parent id), so they need no draining. The check that
    IOPub is connected (one message on it after the reply, else ask again) stays.
    """

    async def _async_wait_ready(self, timeout: float | None = None) -> None:
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    wait_for_ready = run_sync(_async_wait_ready)


class ForkingKernelManager(KernelManager):
    """A KernelManager whose kernels come from the template when there is one (and whose
    client is ready without waiting for a quiet IOPub: :class:`ReadyClient`)."""

    client_class = DottedObjectName("ruwaard_analysis.run.kernel_manager.ReadyClient")

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                parent=self,
            )  # fmt: skip
        return await super()._async_pre_start_kernel(**kw)
