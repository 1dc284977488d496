namespace MlNetLstm.Realized;

/// <summary>The estimator of one day's variance from its intraday log returns.</summary>
public enum RealizedEstimator
{
    /// <summary>Realized variance <c>RV = Σ_i r_i²</c> over the m intraday returns (Andersen, Bollerslev, Diebold and Labys 2003).</summary>
    RealizedVariance,

    /// <summary>
    /// Subsampled (averaged) realized variance (Zhang, Mykland and Aït-Sahalia 2005, their "average" estimator without the
    /// bias correction): the RVs of the K sparse grids of K-step returns, each starting at offset 0..K-1, averaged, then scaled by
    /// m / (m - K + 1) so that it measures the whole day (each sparse grid covers m - K + 1 of the m returns' span on average).
    /// Robust to i.i.d. microstructure noise up to a bias of 2ω²(m - K + 1)/K instead of RV's 2ω²m.
    /// </summary>
    Subsampled,

    /// <summary>
    /// Realized kernel with the Parzen weights (Barndorff-Nielsen, Hansen, Lunde and Shephard 2008, 2011, non-negative form):
    /// <c>RK = γ_0 + 2 Σ_{h=1..H} k(h / (H + 1)) γ_h</c>, <c>γ_h = Σ_i r_i r_{i-h}</c>, with the Parzen kernel k; non-negative by
    /// construction and consistent under i.i.d. noise.
    /// </summary>
    RealizedKernel,
}
