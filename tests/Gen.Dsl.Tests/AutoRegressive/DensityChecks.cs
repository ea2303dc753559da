using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.AutoRegressive;

/// <summary>Exact checks for small binary models: normalisation over all 2^D vectors, and samples against the mass.</summary>
internal static class DensityChecks
{
    /// <summary>All 2^D binary vectors, row r holding the bits of r (feature j = bit j), shape [2^D, D].</summary>
    public static torch.Tensor AllBinary(int d, torch.ScalarType dtype)
    {
        var rows = Enumerable.Range(0, 1 << d).SelectMany(r => Enumerable.Range(0, d).Select(j => (double)((r >> j) & 1))).ToArray();
        return torch.tensor(rows, dtype: dtype).reshape(1 << d, d);
    }

    /// <summary>Moves every parameter off its initialisation by Gaussian noise of the given size, so the mass is not near uniform.</summary>
    public static void Perturb(torch.nn.Module model, double size, int seed)
    {
        var g = Seed.Generator(seed);
        using var noGrad = torch.no_grad();
        foreach (var p in model.parameters())
        {
            p.add_(torch.randn(p.shape, dtype: p.dtype, generator: g) * size);
        }
    }

    /// <summary>Σ exp(log p(x)) over all binary vectors is 1.</summary>
    public static void SumsToOne(Func<torch.Tensor, torch.Tensor> logProb, int d)
    {
        using var scope = torch.NewDisposeScope();
        var total = logProb(AllBinary(d, torch.float64)).exp().sum().item<double>();
        Assert.Equal(1.0, total, 10);
    }

    /// <summary>
    /// Pearson's chi-square of <paramref name="n"/> samples against the model's mass over all 2^D cells, compared with
    /// the 0.999 quantile of χ² with 2^D − 1 degrees of freedom (Wilson–Hilferty).
    /// </summary>
    public static void SamplesMatchMass(AutoregressiveBinaryModel model, int n, int seed)
    {
        using var scope = torch.NewDisposeScope();
        int d = (int)model.Features;
        var mass = model.LogProb(AllBinary(d, torch.float64)).exp();
        var samples = model.Sample(n, Seed.Generator(seed));
        Assert.Equal(new long[] { n, d }, samples.shape);
        var cells = (samples * torch.pow(2.0, torch.arange(d, dtype: torch.float64))).sum(-1).to(torch.int64);
        var observed = torch.bincount(cells, minlength: 1 << d).to(torch.float64);
        var expected = mass * n;
        var chi2 = ((observed - expected).pow(2) / expected).sum().item<double>();
        int df = (1 << d) - 1;
        // Wilson–Hilferty: χ²_q(k) ≈ k (1 − 2/(9k) + z_q √(2/(9k)))³, z_0.999 = 3.090.
        double critical = df * Math.Pow(1 - (2.0 / (9 * df)) + (3.090 * Math.Sqrt(2.0 / (9 * df))), 3);
        Assert.True(chi2 < critical, $"chi-square {chi2:F1} over {1 << d} cells exceeds {critical:F1}; observed {observed.ToString(TensorStringStyle.Numpy)}, expected {expected.ToString(TensorStringStyle.Numpy)}");
        Assert.True(mass.min().item<double>() < 0.5 / (1 << d), "the model should be far from uniform for the check to mean something");
    }
}
