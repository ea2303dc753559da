using System;
using FsCheck;
using FsCheck.Xunit;
using Gen.Probability.Bijectors;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;
using static Gen.Probability.Tests.Bijectors.BijectorFixtures;

namespace Gen.Probability.Tests.Bijectors;

public class NormalisationTests
{
    private static torch.Tensor Flag(bool value) => torch.tensor(value);

    /// <summary>Data with per-channel means far from 0 and standard deviations far from 1, [batch, C, H, W] or [batch, C].</summary>
    private static torch.Tensor Data(int seed, long batch, long channels, bool image)
    {
        var g = Rng(seed + 70);
        var shape = image ? new[] { batch, channels, 3L, 2L } : new[] { batch, channels };
        var centre = 5 * torch.randn(channels, dtype: torch.float64, generator: g);
        var spread = (torch.randn(channels, dtype: torch.float64, generator: g)).exp() * 3;
        var perChannel = image ? new[] { channels, 1L, 1L } : new[] { channels };
        return torch.randn(shape, dtype: torch.float64, generator: g) * spread.reshape(perChannel) + centre.reshape(perChannel);
    }

    private static void AssertStandardised(torch.Tensor z, bool image)
    {
        var dims = image ? new long[] { 0, 2, 3 } : new long[] { 0 };
        var (variance, mean) = z.var_mean(dims, unbiased: false);
        Assert.True(mean.abs().max().item<double>() < 1e-10, $"means {mean.ToString(TensorStringStyle.Numpy)}");
        Assert.True((variance - 1).abs().max().item<double>() < 1e-10, $"variances {variance.ToString(TensorStringStyle.Numpy)}");
    }

    private static ActNorm FreshActNorm(long channels, bool image, NormalisingDirection direction = NormalisingDirection.Inverse) =>
        new(torch.zeros(channels, dtype: torch.float64, requires_grad: true), torch.zeros(channels, dtype: torch.float64, requires_grad: true), Flag(false), image ? 3 : 1, direction);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Act_norm_initialises_on_the_first_batch_of_its_density_direction_only(bool image)
    {
        var actNorm = FreshActNorm(3, image);
        Assert.False(actNorm.Initialised);
        var data = Data(1, 16, 3, image);

        // Sampling first (the forward direction) does not initialise.
        actNorm.Forward(torch.randn(data.shape, dtype: torch.float64, generator: Rng(2)));
        Assert.False(actNorm.Initialised);

        var t = actNorm.InverseAndLogDet(data);
        Assert.True(actNorm.Initialised);
        AssertStandardised(t.Value, image);

        // The second batch is not used for initialisation: the same parameters map it.
        var other = Data(3, 16, 3, image);
        var before = actNorm.Inverse(other);
        var again = actNorm.InverseAndLogDet(other);
        Assert.True(again.Value.allclose(before, 0, 0));
        Assert.True(again.LogDet.allclose(t.LogDet, 0, 0));
    }

    [Fact]
    public void Act_norm_refuses_to_initialise_from_one_value_per_channel()
    {
        // One vector: no spread to estimate; the scale would be fixed at 1/MinStd for good.
        var actNorm = FreshActNorm(4, image: false, NormalisingDirection.Forward);
        var e = Assert.Throws<ArgumentException>(() => actNorm.Forward(Data(4, 1, 4, image: false)));
        Assert.Contains("1 value per channel", e.Message);
        Assert.False(actNorm.Initialised);
        AssertStandardised(actNorm.Forward(Data(4, 8, 4, image: false)), image: false);
    }

    [Fact]
    public void Act_norm_can_initialise_in_the_forward_direction_for_flows_written_data_to_noise()
    {
        var actNorm = FreshActNorm(4, image: true, NormalisingDirection.Forward);
        var data = Data(4, 8, 4, image: true);
        actNorm.Inverse(data); // the other direction: no initialisation
        Assert.False(actNorm.Initialised);
        AssertStandardised(actNorm.Forward(data), image: true);
        Assert.True(actNorm.Initialised);
    }

    [Property(MaxTest = 20)]
    public void Act_norm_satisfies_the_laws_and_its_log_det_counts_pixels(int seed, PositiveInt b, bool image)
    {
        using var scope = torch.NewDisposeScope();
        long batch = 1 + (b.Get % 3);
        var actNorm = FreshActNorm(2, image);
        actNorm.Inverse(Data(seed, 8, 2, image));
        var x = Data(seed + 1, batch, 2, image);
        BijectorLaws.All(actNorm, x, 1e-9);

        var t = actNorm.ForwardAndLogDet(x);
        var perChannel = image ? 6 : 1;
        var inverse = actNorm.InverseAndLogDet(t.Value);
        Assert.True(t.LogDet.allclose(-inverse.LogDet, 1e-12, 1e-12));
        Assert.Equal(new[] { batch }, t.LogDet.shape);
        // The log-scales are what the initialisation wrote, log σ of the first batch per channel, counted H·W times.
        var sigma = Data(seed, 8, 2, image).std(image ? new long[] { 0, 2, 3 } : new long[] { 0 }, unbiased: false);
        Assert.Equal(perChannel * sigma.log().sum().item<double>(), t.LogDet[0].item<double>(), 9);
    }

    [Fact]
    public void Act_norm_parameters_get_gradients_after_the_initialisation()
    {
        var shift = torch.zeros(3, dtype: torch.float64, requires_grad: true);
        var logScale = torch.zeros(3, dtype: torch.float64, requires_grad: true);
        var actNorm = new ActNorm(shift, logScale, Flag(false), 1);
        var t = actNorm.InverseAndLogDet(Data(5, 10, 3, image: false));
        (t.Value.square().sum() - t.LogDet.sum()).backward();
        Assert.NotNull(logScale.grad);
        Assert.NotNull(shift.grad);
        Assert.True(logScale.grad!.abs().sum().item<double>() > 0);
        Assert.True(shift.requires_grad && shift.is_leaf);
    }

    [Fact]
    public void Act_norm_rejects_parameters_that_do_not_fit()
    {
        Assert.Contains("[3]", Assert.Throws<GenShapeException>(() => new ActNorm(torch.zeros(3), torch.zeros(2), Flag(false), 1)).Message);
        Assert.Throws<ArgumentException>(() => new ActNorm(torch.zeros(3), torch.zeros(3), torch.tensor(0.0), 1));
        Assert.Throws<GenShapeException>(() => new ActNorm(torch.zeros(3), torch.zeros(3), torch.zeros(1, dtype: torch.@bool), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ActNorm(torch.zeros(3), torch.zeros(3), Flag(false), 0));
        var e = Assert.Throws<GenShapeException>(() => new ActNorm(torch.zeros(3), torch.zeros(3), Flag(true), 3).Forward(torch.zeros(2, 4, 5, 5)));
        Assert.Contains("[2, 4, 5, 5]", e.Message);
    }

    private static BatchNorm RandomBatchNorm(int seed, long channels, bool image, bool training, NormalisingDirection direction = NormalisingDirection.Inverse)
    {
        var g = Rng(seed + 80);
        return new BatchNorm(
            0.3 * torch.randn(channels, dtype: torch.float64, generator: g),
            torch.randn(channels, dtype: torch.float64, generator: g),
            torch.randn(channels, dtype: torch.float64, generator: g),
            torch.rand(channels, dtype: torch.float64, generator: g) + 0.5,
            image ? 3 : 1,
            training,
            direction: direction);
    }

    [Property(MaxTest = 20)]
    public void Batch_norm_in_evaluation_satisfies_the_laws_in_either_direction(int seed, PositiveInt b, bool image, bool forward)
    {
        using var scope = torch.NewDisposeScope();
        var direction = forward ? NormalisingDirection.Forward : NormalisingDirection.Inverse;
        var batchNorm = RandomBatchNorm(seed, 3, image, training: false, direction);
        BijectorLaws.All(batchNorm, Data(seed, 1 + (b.Get % 3), 3, image), 1e-9);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Batch_norm_in_training_normalises_with_batch_statistics_and_moves_the_running_averages(bool image)
    {
        var runningMean = torch.zeros(3, dtype: torch.float64);
        var runningVariance = torch.ones(3, dtype: torch.float64);
        var zero = torch.zeros(3, dtype: torch.float64);
        var training = new BatchNorm(zero, zero, runningMean, runningVariance, image ? 3 : 1, training: true, momentum: 0.25, epsilon: 0);
        var data = Data(6, 32, 3, image);
        var dims = image ? new long[] { 0, 2, 3 } : new long[] { 0 };
        var (variance, mean) = data.var_mean(dims, unbiased: false);

        var t = training.InverseAndLogDet(data);
        AssertStandardised(t.Value, image);
        Assert.True(runningMean.allclose(0.25 * mean, 1e-12, 1e-12));
        Assert.True(runningVariance.allclose(0.75 + 0.25 * variance, 1e-12, 1e-12));

        // Per example, the map is evaluation-mode batch norm at the batch's statistics: same values and log-dets.
        var frozen = new BatchNorm(zero, zero, mean, variance, image ? 3 : 1, training: false, epsilon: 0);
        var f = frozen.InverseAndLogDet(data);
        Assert.True(t.Value.allclose(f.Value, 1e-12, 1e-12));
        Assert.True(t.LogDet.allclose(f.LogDet, 1e-12, 1e-12));
        BijectorLaws.LogDetMatchesJacobian(frozen.Inverted(), data, 1e-9);
    }

    [Fact]
    public void Batch_norm_samples_with_the_running_averages_even_in_training()
    {
        var training = RandomBatchNorm(7, 2, image: false, training: true);
        var evaluation = RandomBatchNorm(7, 2, image: false, training: false);
        var z = torch.randn(new long[] { 5, 2 }, dtype: torch.float64, generator: Rng(8));
        var a = training.ForwardAndLogDet(z);
        var b = evaluation.ForwardAndLogDet(z);
        Assert.True(a.Value.allclose(b.Value, 0, 0));
        Assert.True(a.LogDet.allclose(b.LogDet, 0, 0));
        Assert.True(training.Training);
        Assert.False(evaluation.Training);
    }

    [Fact]
    public void Batch_norm_rejects_bad_settings()
    {
        var v = torch.zeros(3);
        Assert.Throws<GenShapeException>(() => new BatchNorm(v, v, v, torch.ones(4), 1, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm(v, v, v, v, 1, false, momentum: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm(v, v, v, v, 1, false, epsilon: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm(v, v, v, v, 0, false));
    }

    [Fact]
    public void Normalising_layers_stay_finite_for_large_inputs()
    {
        var big = torch.tensor(new[,] { { 1e150, -1e150 }, { -1e6, 1e100 }, { 3.0, 0.0 } }, dtype: torch.float64);
        var actNorm = FreshActNorm(2, image: false);
        ElementwiseMapTests.AssertFinite(actNorm.Inverted(), big, bothWays: true);
        Assert.True(actNorm.Initialised);
        ElementwiseMapTests.AssertFinite(RandomBatchNorm(1, 2, image: false, training: false), big, bothWays: true);
        ElementwiseMapTests.AssertFinite(RandomBatchNorm(1, 2, image: false, training: true).Inverted(), big, bothWays: true);
    }

    [Fact]
    public void An_act_norm_flow_fitted_by_its_first_batch_gives_the_data_a_standard_normal_log_density()
    {
        // After initialisation, log p(y) = Σ log N(z; 0, 1) − Σ log σ: the flow's density of the first batch.
        var baseDist = Family.DiagonalNormal(torch.zeros(3, dtype: torch.float64), torch.ones(3, dtype: torch.float64));
        var actNorm = FreshActNorm(3, image: false);
        var data = Data(9, 64, 3, image: false);
        var lp = actNorm.Transform(baseDist).LogProb(data);
        var (std, mean) = data.std_mean(0, unbiased: false);
        var expected = baseDist.LogProb((data - mean) / std) - std.log().sum();
        Assert.True(lp.allclose(expected, 1e-10, 1e-10));
    }
}
