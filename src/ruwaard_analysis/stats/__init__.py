"""Statistics of Proeftuin Ruwaard: pure functions, arrays / polars frames in, records out.

* :mod:`.paired`    - paired change between two moments (t, Wilcoxon as R, d_z, g_av, BCa)
* :mod:`.bootstrap` - seeded bootstrap confidence intervals
* :mod:`.mixed`     - random-intercept mixed model over three moments (statsmodels, lazy)
* :mod:`.rtm`       - regression to the mean (Barnett et al. 2005) and the effect beyond it

statsmodels is imported only when :func:`moment_means_model` runs.
"""

from ruwaard_analysis.stats.bootstrap import ConfidenceInterval, bootstrap_ci
from ruwaard_analysis.stats.mixed import (
    Contrast,
    MixedModelResult,
    ModelFitError,
    MomentMean,
    moment_means_model,
)
from ruwaard_analysis.stats.paired import (
    WILCOXON_VARIANTS,
    EffectSize,
    PairedChange,
    WilcoxonResult,
    cohens_dz,
    hedges_g_av,
    paired_change,
    paired_change_long,
    wilcoxon_signed_rank,
)
from ruwaard_analysis.stats.rtm import (
    DEFAULT_RTM_PARAMETERS,
    RtmAdjusted,
    RtmParameters,
    effect_beyond_rtm,
    regression_to_mean,
    regression_to_mean_from_baseline,
)

__all__ = [
    "ConfidenceInterval",
    "bootstrap_ci",
    "Contrast",
    "MixedModelResult",
    "ModelFitError",
    "MomentMean",
    "moment_means_model",
    "WILCOXON_VARIANTS",
    "EffectSize",
    "PairedChange",
    "WilcoxonResult",
    "cohens_dz",
    "hedges_g_av",
    "paired_change",
    "paired_change_long",
    "wilcoxon_signed_rank",
    "DEFAULT_RTM_PARAMETERS",
    "RtmAdjusted",
    "RtmParameters",
    "effect_beyond_rtm",
    "regression_to_mean",
    "regression_to_mean_from_baseline",
]
