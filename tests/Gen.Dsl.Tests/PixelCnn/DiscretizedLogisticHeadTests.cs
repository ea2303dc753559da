using System;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.PixelCnn;

public class DiscretizedLogisticHeadTests
{
    [Theory]
    [InlineData(-25.0)]
    [InlineData(-3.0)]
    [InlineData(0.0)]
    [InlineData(4.0)]
    [InlineData(30.0)]
    public void Each_channel_is_normalised_over_the_levels_for_any_scale(double logScale)
    {
        // Two components, means inside, at the edge of and far outside [−1, 1]; probabilities over all 7 levels sum to 1.
        var head = (DiscretizedLogisticMixtureHead)PixelHead.DiscretizedLogisticMixture(components: 2, levels: 7);
        foreach (var mean in new[] { 0.1, -1.0, 5.0 })
        {
            var parameters = torch.tensor(new[] { 0.3, -0.5, mean, -0.2, logScale, logScale - 1 }, dtype: torch.float64)
                .reshape(1, 6).expand(7, 6);
            var levels = torch.arange(7, dtype: torch.float64);
            var lp = head.Distribution(parameters).LogProb(levels);
            Assert.True(lp.isfinite().all().item<bool>(), $"log-scale {logScale}, mean {mean}: {lp.ToString(TensorStringStyle.Julia)}");
            Assert.Equal(1.0, lp.exp().sum().ToDouble(), 12);
        }
    }

    [Fact]
    public void A_mixture_pixel_model_normalises_and_samples_match_its_density()
    {
        using var model = Autoregressive.PixelCnn(1, 1, 3).WithFilters(4).WithResidualBlocks(1)
            .WithHead(PixelHead.DiscretizedLogisticMixture(components: 2, levels: 4))
            .Compile(Device.Cpu, torch.float64, seed: 0);
        PixelCnnModelTests.Perturb(model, 0.5, 7);
        var g = Gen.Seed.Generator(8);
        PixelEnumeration.AssertSamplesMatchDensity(model.LogProb, n => model.Sample(n, g), 1, 1, 3, 4, 30000);
    }

    [Fact]
    public void The_head_checks_its_sizes_and_prints_them()
    {
        Assert.Equal("DiscretizedLogisticMixture(5, 256)", PixelHead.DiscretizedLogisticMixture().ToString());
        Assert.Equal(15, PixelHead.DiscretizedLogisticMixture().ParametersPerElement);
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelHead.DiscretizedLogisticMixture(components: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PixelHead.DiscretizedLogisticMixture(levels: 1));
    }
}
