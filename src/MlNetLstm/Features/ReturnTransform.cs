namespace MlNetLstm.Features;

/// <summary>Optional element-wise transform applied to a return.</summary>
public enum ReturnTransform
{
    /// <summary>The return itself.</summary>
    None,

    /// <summary>Squared return <c>r²</c> (a variance proxy).</summary>
    Squared,

    /// <summary>Absolute return <c>|r|</c>.</summary>
    Absolute,
}
