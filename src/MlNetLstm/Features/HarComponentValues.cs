namespace MlNetLstm.Features;

/// <summary>HAR components at one time t.</summary>
/// <param name="Daily">Daily component <c>v_t</c>.</param>
/// <param name="Weekly">Weekly component <c>(1/5) Σ_{i=0..4} v_{t-i}</c>.</param>
/// <param name="Monthly">Monthly component <c>(1/22) Σ_{i=0..21} v_{t-i}</c>.</param>
public readonly record struct HarComponentValues(double Daily, double Weekly, double Monthly);
