using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Gans;

public class ModeCoverageTests
{
    // For a 2-D isotropic Gaussian, P(‖x − μ‖ ≤ 3σ) = 1 − exp(−9/2).
    private static readonly double WithinThree = 1 - Math.Exp(-4.5);

    [Theory]
    [InlineData(ToySet.EightGaussians, 8)]
    [InlineData(ToySet.TwentyFiveGaussians, 25)]
    public void Real_data_captures_every_mode_with_the_Gaussian_share_of_high_quality_samples(ToySet set, int modes)
    {
        var samples = ToyData.Sample(set, 2500, Device.Cpu, Seed.Generator(0));
        var result = ModeCoverage.Measure(samples, MixtureModes.Of(set));
        Assert.Equal(modes, result.Modes);
        Assert.Equal(modes, result.ModesCaptured);
        // Three binomial standard deviations of the share over 2500 samples is about 0.006.
        Assert.InRange(result.HighQualityShare, WithinThree - 0.01, WithinThree + 0.01);
        Assert.Equal((long)Math.Round(result.HighQualityShare * 2500), result.HighQualityPerMode.Sum());
    }

    [Fact]
    public void A_collapsed_generator_captures_one_mode_and_one_at_the_centre_none()
    {
        var modes = MixtureModes.Of(ToySet.EightGaussians);
        var centre = modes.Centres[3].ToArray();
        var collapsed = torch.tensor(centre).expand(2500, 2) + (torch.randn(new long[] { 2500, 2 }, torch.float64, generator: Seed.Generator(1)) * 0.01);
        var one = ModeCoverage.Measure(collapsed, modes);
        Assert.Equal(1, one.ModesCaptured);
        Assert.Equal(1.0, one.HighQualityShare);
        Assert.Equal(2500, one.HighQualityPerMode[3]);

        var none = ModeCoverage.Measure(torch.zeros(100, 2), modes);
        Assert.Equal(0, none.ModesCaptured);
        Assert.Equal(0.0, none.HighQualityShare);
    }

    [Fact]
    public void The_threshold_is_three_standard_deviations_and_a_minimum_count_can_be_asked_for()
    {
        var modes = new MixtureModes(new[] { new[] { 0.0, 0.0 }, new[] { 10.0, 0.0 } }, 0.5);
        var points = torch.tensor(new[,] { { 1.49, 0 }, { 0, -1.2 }, { 10, 1.51 }, { 11.4, 0 }, { 5, 5 } });
        var result = ModeCoverage.Measure(points, modes);
        Assert.Equal(new long[] { 2, 1 }, result.HighQualityPerMode);
        Assert.Equal(2, result.ModesCaptured);
        Assert.Equal(0.6, result.HighQualityShare, 12);
        Assert.Equal(1, ModeCoverage.Measure(points, modes, minimumSamples: 2).ModesCaptured);
        Assert.Equal(new long[] { 2, 2 }, ModeCoverage.Measure(points, modes, standardDeviations: 4).HighQualityPerMode);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var modes = MixtureModes.Of(ToySet.EightGaussians);
        Assert.Throws<GenShapeException>(() => ModeCoverage.Measure(torch.zeros(10, 3), modes));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModeCoverage.Measure(torch.zeros(10, 2), modes, minimumSamples: 0));
        Assert.Throws<ArgumentException>(() => MixtureModes.Of(ToySet.Moons));
        Assert.Throws<ArgumentException>(() => new MixtureModes(new[] { new[] { 0.0 }, new[] { 1.0, 2.0 } }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixtureModes(new[] { new[] { 0.0 } }, 0));
    }
}
