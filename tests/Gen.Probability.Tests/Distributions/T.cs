using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Probability.Tests.Distributions;

/// <summary>Small float64 tensor helpers and assertions for the distribution tests.</summary>
internal static class T
{
    internal static torch.Tensor V(params double[] values) => torch.tensor(values, dtype: torch.float64);

    internal static torch.Tensor S(double value) => torch.tensor(value, dtype: torch.float64);

    internal static torch.Tensor M(double[,] values) => torch.tensor(values, dtype: torch.float64);

    internal static torch.Generator Rng(long seed = 1234) => Seed.Generator(seed);

    internal static double D(torch.Tensor t) => t.to_type(torch.float64).item<double>();

    internal static double[] A(torch.Tensor t) => t.to_type(torch.float64).contiguous().data<double>().ToArray();

    internal static void Close(double expected, torch.Tensor actual, double tol = 1e-10) => Close(new[] { expected }, actual, tol);

    internal static void Close(double[] expected, torch.Tensor actual, double tol = 1e-10)
    {
        var a = A(actual);
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(expected[i].Equals(a[i]) || Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {a[i]:R}");
        }
    }

    internal static void Close(torch.Tensor expected, torch.Tensor actual, double tol = 1e-10)
    {
        Assert.Equal(expected.shape, actual.shape);
        Close(A(expected), actual, tol);
    }
}

/// <summary>Tests that flip <see cref="Distribution.Validate"/> or depend on it being on run alone, after the rest.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ValidationCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Distribution.Validate switch";
}
