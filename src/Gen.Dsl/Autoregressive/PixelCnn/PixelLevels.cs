using TorchSharp;

namespace Gen.Dsl;

/// <summary>Pixels with integer values 0 … levels − 1 (stored as floats), shared by the heads over such pixels.</summary>
internal static class PixelLevels
{
    /// <summary>The values mapped linearly onto [−1, 1]: <c>2x / (levels − 1) − 1</c>.</summary>
    internal static torch.Tensor Scale(torch.Tensor x, int levels) => (x * (2.0 / (levels - 1))) - 1;

    /// <summary>Whether every value is an integer in 0 … levels − 1 (a 0-dim bool tensor; false for NaN).</summary>
    internal static torch.Tensor InSupport(torch.Tensor x, int levels) =>
        x.ge(0).logical_and(x.le(levels - 1)).logical_and(x.eq(x.round())).all();

    /// <summary>The support, for error messages.</summary>
    internal static string SupportText(int levels) => $"the integers 0 … {levels - 1}";
}
