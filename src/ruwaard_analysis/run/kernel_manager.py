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
        self.pgid = pid  # the child calls setsid(): its own process group
        self.cwd = cwd
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        """As jupyter_client does (to the kernel's process group), but never once the kernel
        is gone: the template has reaped it, and its pid (the group's id) may be another
        process's by now (nbclient shuts a kernel that died while starting down too)."""
        if isinstance(self.process, ForkedKernelProcess) and self.process.poll() is not None:
            return
        await super().send_signal(signum)


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


def ipc_prefix(template_socket: str | None) -> str | None:
    """Where a kernel of the run puts its Unix sockets (``PREFIX-1`` ... ``PREFIX-5``): beside
    the template's socket, in the run's temporary folder (removed when the run ends); None
    without a template (or when the path would be too long for a Unix socket)."""
    if not template_socket or not sys.platform.startswith("linux"):
        return None
    folder = os.path.dirname(template_socket)
    if not os.path.isdir(folder):
        return None
    import uuid

    prefix = os.path.join(folder, f"k{os.getpid()}-{uuid.uuid4().hex[:12]}")
    return prefix if len(prefix) + 3 < 100 else None  # sun_path holds 107 bytes


class ForkingKernelManager(KernelManager):
    """A KernelManager whose kernels come from the template when there is one, connected
    through Unix sockets in the run's folder (:func:`ipc_prefix`), and whose client is ready
    without waiting for a quiet IOPub (:class:`ReadyClient`)."""

    client_class = DottedObjectName("ruwaard_analysis.run.kernel_manager.ReadyClient")

    async def _async_pre_start_kernel(self, **kw: Any):
        prefix = ipc_prefix(os.environ.get(TEMPLATE_ENV))
        if prefix is not None and self.transport == "tcp" and not any(
                (self.shell_port, self.iopub_port, self.stdin_port, self.control_port,
                 self.hb_port)):  # fmt: skip
            # Unix sockets in the run's own folder, not TCP ports: a port is chosen free here
            # and bound by the kernel only later, when another process may have taken it
            # (another worker's kernel, another run's, a connection's local port); the kernel
            # then dies before it answers. A path in the folder cannot be taken.
            self.transport = "ipc"
            self.cache_ports = False
            self.ip = prefix
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                parent=self,
            )  # fmt: skip
        return await super()._async_pre_start_kernel(**kw)
