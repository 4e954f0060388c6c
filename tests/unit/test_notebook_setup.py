"""``ruwaard_analysis.notebook.setup``: the folders it resolves, and no altair without charts."""

import subprocess
import sys

from ruwaard_analysis import config
from ruwaard_analysis.notebook import setup


def test_setup_resolves_the_folders(tmp_path, capsys):
    data, out = setup(2017, "", tmp_path / "out", charts=False)
    assert data == config.DEMO_DIR
    assert out == tmp_path / "out"
    assert "verslagjaar 2017" in capsys.readouterr().out


def test_setup_without_charts_does_not_import_altair():
    code = ("import sys; from ruwaard_analysis.notebook import setup; "
            "setup(2017, '', '/tmp/x', charts=False); print('altair' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"
