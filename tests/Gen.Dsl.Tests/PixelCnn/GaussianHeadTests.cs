using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public sealed class GaussianHeadTests
{
    [Fact]
    public void The_log_likelihood_is_the_sum_of_the_conditional_gaussians_the_network_reads_out()
    {
        using var model = Autoregressive.PixelCnn(2, 3, 3).WithFilters(4).WithResidualBlocks(1).WithHead(PixelHead.Gaussian()).Compile(Device.Cpu, torch.float64, seed: 1);
        using var g = Seed.Generator(2);
        var x = torch.randn(new long[] { 5, 2, 3, 3 }, dtype: torch.float64, generator: g);
        var p = model.HeadParameters(x);                                    // [5, 2, 3, 3, 2]
        var mean = p.select(-1, 0);
        var scale = torch.nn.functional.softplus(p.select(-1, 1)) + GaussianHead.MinScale;
        var expected = (-0.5 * ((x - mean) / scale).square() - scale.log() - 0.5 * Math.Log(2 * Math.PI)).sum(new long[] { 1, 2, 3 });
        Assert.True(model.LogProb(x).allclose(expected, 1e-12, 1e-12));
        Assert.Equal("Gaussian(decoded scale)", PixelHead.Gaussian().ToString());
        Assert.Equal(2, PixelHead.Gaussian().ParametersPerElement);
    }

    [Fact]
    public void Samples_of_a_one_pixel_model_have_the_mean_and_scale_of_its_head()
    {
        using var model = Autoregressive.PixelCnn(1, 1, 1).WithFilters(4).WithResidualBlocks(1).WithHead(PixelHead.Gaussian()).Compile(Device.Cpu, torch.float64, seed: 3);
        var p = model.HeadParameters(torch.zeros(1, 1, 1, 1, dtype: torch.float64)).flatten();
        double mean = p[0].item<double>();
        double scale = torch.nn.functional.softplus(p[1]).item<double>() + GaussianHead.MinScale;
        using var g = Seed.Generator(4);
        var s = model.Sample(20000, g).flatten();
        double se = scale / Math.Sqrt(20000);
        Assert.True(Math.Abs(s.mean().item<double>() - mean) < 5 * se, "sample mean off");
        Assert.True(Math.Abs(s.std().item<double>() / scale - 1) < 0.05, "sample scale off");
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        using var model = Autoregressive.PixelCnn(1, 2, 2).WithFilters(2).WithHead(PixelHead.Gaussian()).Compile(Device.Cpu, torch.float64);
        var x = torch.zeros(1, 1, 2, 2, dtype: torch.float64);
        x[0, 0, 1, 1] = torch.tensor(double.NaN);
        Assert.Contains("finite real numbers", Assert.Throws<ArgumentException>(() => model.LogProb(x)).Message);
    }
}
