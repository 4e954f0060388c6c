"""The jupyter_client side of forked kernels (imported in the worker processes only)."""

from __future__ import annotations

import os
import sys
from typing import Any

from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import LocalProvisioner

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
            pid = fork_kernel(path, split[1], cwd, env)
        except OSError as exc:
            print(f"kernel template unusable ({exc}); starting the kernel the usual way",
                  file=sys.stderr)  # fmt: skip
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernelProcess(pid)  # type: ignore[assignment]
        self.pid = pid
        self.pgid = pid  # the child called setsid(): its own process group
        self.cwd = cwd
        return self.connection_info


class ForkingKernelManager(KernelManager):
    """A KernelManager whose kernels come from the template when there is one."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkingProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                parent=self,
            )  # fmt: skip
        return await super()._async_pre_start_kernel(**kw)
