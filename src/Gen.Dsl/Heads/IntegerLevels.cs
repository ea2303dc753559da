using TorchSharp;

namespace Gen.Dsl;

/// <summary>Values that are the integers 0 … levels − 1 (stored as floats), shared by the heads over them.</summary>
internal static class IntegerLevels
{
    /// <summary>The values mapped linearly onto [−1, 1]: <c>2x / (levels − 1) − 1</c>.</summary>
    internal static torch.Tensor Scale(torch.Tensor x, int levels) => (x * (2.0 / (levels - 1))) - 1;

    /// <summary>Whether each value is an integer in 0 … levels − 1 (elementwise; false for NaN).</summary>
    internal static torch.Tensor Contains(torch.Tensor x, int levels) =>
        x.ge(0).logical_and(x.le(levels - 1)).logical_and(x.eq(x.round()));

    /// <summary>The support, for error messages.</summary>
    internal static string SupportText(int levels) => $"the integer levels 0 … {levels - 1}";
}
