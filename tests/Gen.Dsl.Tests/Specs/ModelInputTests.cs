using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Specs;

/// <summary>The binary-data test every binary model runs per call: exact at the edges of float arithmetic.</summary>
public class ModelInputTests
{
    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.Float64)]
    public void Only_zeros_and_ones_pass_the_binary_test(torch.ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        Assert.True(ModelInput.AllBinary(torch.tensor(new[] { 0.0, 1.0, -0.0, 1.0, 0.0 }).to(dtype)).item<bool>());
        double tiny = dtype == torch.ScalarType.Float32 ? 1.4e-45 : 4.9e-324; // the smallest subnormal
        double nextAfterOne = dtype == torch.ScalarType.Float32 ? 1 + Math.Pow(2, -23) : 1 + Math.Pow(2, -52);
        double belowOne = dtype == torch.ScalarType.Float32 ? 1 - Math.Pow(2, -24) : 1 - Math.Pow(2, -53);
        foreach (var bad in new[] { 0.5, 2.0, -1.0, tiny, -tiny, nextAfterOne, belowOne, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var x = torch.tensor(new[] { 0.0, 1.0, bad, 1.0 }).to(dtype);
            Assert.False(ModelInput.AllBinary(x).item<bool>(), $"{bad:R} in {dtype} passed as binary");
        }
    }
}
