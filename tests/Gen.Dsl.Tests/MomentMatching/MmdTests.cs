using System;
using System.Linq;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.MomentMatching;

/// <summary>The MMD estimators against the closed form between Gaussians, and their bias.</summary>
public class MmdTests
{
    // MMD² between N(μ₁, s₁² I) and N(μ₂, s₂² I) in d dimensions under exp(−‖x − y‖²/(2h²)): for Z = X − Y ~ N(μ, σ² I),
    // E exp(−‖Z‖²/(2h²)) = (h²/(h² + σ²))^(d/2) exp(−‖μ‖²/(2(h² + σ²))).
    private static double ClosedForm(double[] mu1, double s1, double[] mu2, double s2, double h)
    {
        int d = mu1.Length;
        double E(double variance, double distance2) => Math.Pow(h * h / ((h * h) + variance), d / 2.0) * Math.Exp(-distance2 / (2 * ((h * h) + variance)));
        double gap = mu1.Zip(mu2, (a, b) => (a - b) * (a - b)).Sum();
        return E(2 * s1 * s1, 0) + E(2 * s2 * s2, 0) - (2 * E((s1 * s1) + (s2 * s2), gap));
    }

    private static torch.Tensor Gaussian(long n, double[] mu, double s, torch.Generator g) =>
        (DeviceRandom.Normal(new long[] { n, mu.Length }, torch.float64, Device.Cpu, g) * s) + torch.tensor(mu, dtype: torch.float64);

    [Fact]
    public void The_unbiased_and_linear_time_estimates_average_to_the_closed_form_and_the_biased_one_above_it()
    {
        double[] mu1 = { 0, 0 }, mu2 = { 1, 0.5 };
        const double S1 = 1, S2 = 0.7, H = 1.3;
        double exact = ClosedForm(mu1, S1, mu2, S2, H);
        var kernel = Kernel.Gaussian(H);
        var g = Seed.Generator(0);
        int reps = 300;
        var unbiased = new double[reps];
        var biased = new double[reps];
        var linear = new double[reps];
        for (int r = 0; r < reps; r++)
        {
            using var scope = torch.NewDisposeScope();
            var x = Gaussian(100, mu1, S1, g);
            var y = Gaussian(100, mu2, S2, g);
            unbiased[r] = Mmd.Unbiased(x, y, kernel).item<double>();
            biased[r] = Mmd.Biased(x, y, kernel).item<double>();
            linear[r] = Mmd.LinearTime(x, y, kernel).item<double>();
        }

        static (double Mean, double Se) Stats(double[] v)
        {
            double mean = v.Average();
            return (mean, Math.Sqrt(v.Select(a => (a - mean) * (a - mean)).Sum() / (v.Length - 1) / v.Length));
        }

        var (mu, se) = Stats(unbiased);
        Assert.True(Math.Abs(mu - exact) < 4 * se, $"unbiased: {mu} ± {se} against {exact}");
        var (lmu, lse) = Stats(linear);
        Assert.True(Math.Abs(lmu - exact) < 4 * lse, $"linear-time: {lmu} ± {lse} against {exact}");
        Assert.True(lse > se, "the linear-time estimate should vary more");
        // The V-statistic keeps each example's kernel with itself (1): its mean exceeds MMD² by
        // (1 − E k(X, X'))/n + (1 − E k(Y, Y'))/m.
        double kxx = H * H / ((H * H) + (2 * S1 * S1)), kyy = H * H / ((H * H) + (2 * S2 * S2));
        double expectedBiased = exact + ((1 - kxx) / 100) + ((1 - kyy) / 100);
        var (bmu, bse) = Stats(biased);
        Assert.True(Math.Abs(bmu - expectedBiased) < 4 * bse, $"biased: {bmu} ± {bse} against {expectedBiased}");
        Assert.True(expectedBiased - exact > 2 * bse, "the test cannot tell the bias");
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("imq")]
    [InlineData("mixture")]
    public void Between_two_samples_of_one_law_the_unbiased_estimate_averages_to_zero(string name)
    {
        var kernel = name switch
        {
            "gaussian" => Kernel.Gaussian(0.8),
            "imq" => Kernel.InverseMultiquadric(1),
            _ => Kernel.GaussianMixture(0.2, 1, 5),
        };
        var g = Seed.Generator(1);
        var values = Enumerable.Range(0, 300).Select(_ =>
        {
            using var scope = torch.NewDisposeScope();
            var x = ToyData.Sample(ToySet.EightGaussians, 64, Device.Cpu, g).to(torch.float64);
            var y = ToyData.Sample(ToySet.EightGaussians, 64, Device.Cpu, g).to(torch.float64);
            return (Mmd.Unbiased(x, y, kernel).item<double>(), Mmd.Biased(x, y, kernel).item<double>());
        }).ToArray();
        double mean = values.Average(v => v.Item1);
        double se = Math.Sqrt(values.Select(v => (v.Item1 - mean) * (v.Item1 - mean)).Sum() / (values.Length - 1) / values.Length);
        Assert.True(Math.Abs(mean) < 4 * se, $"{kernel}: {mean} ± {se}");
        Assert.True(values.Average(v => v.Item2) > mean + (10 * se), $"{kernel}: the biased estimate should lie clearly above");
    }

    [Fact]
    public void Kernels_are_positive_definite_values_that_add_and_scale()
    {
        var x = DeviceRandom.Normal(new long[] { 40, 3 }, torch.float64, Device.Cpu, Seed.Generator(2));
        var d = Mmd.SquaredDistances(x, x);
        foreach (var kernel in new[] { Kernel.Gaussian(0.5), Kernel.InverseMultiquadric(2), Kernel.GaussianMixture(0.1, 1, 10), 0.5 * Kernel.InverseMultiquadric(1) })
        {
            var gram = kernel.Of(d);
            Assert.True(torch.linalg.eigvalsh(gram).min().item<double>() > -1e-10, $"{kernel} is not positive semi-definite");
        }

        Assert.Equal(1.0, Kernel.InverseMultiquadric(3).Of(torch.zeros(1, dtype: torch.float64)).item<double>(), 15);
        var sum = Kernel.Gaussian(1) + (2 * Kernel.Gaussian(3));
        Assert.Equal("Gaussian(1) + 2·Gaussian(3)", sum.ToString());
        Assert.True(sum.Of(d).allclose(Kernel.Gaussian(1).Of(d) + (2 * Kernel.Gaussian(3).Of(d)), 0, 1e-15));
        Assert.Equal(Kernel.GaussianMixture(1, 2), Kernel.Gaussian(1) + Kernel.Gaussian(2));
    }

    [Fact]
    public void Bad_input_is_refused_naming_the_problem()
    {
        Assert.Contains("kernel.bandwidth", Assert.Throws<ArgumentOutOfRangeException>(() => Kernel.Gaussian(0)).Message);
        Assert.Contains("kernel.bandwidth", Assert.Throws<ArgumentOutOfRangeException>(() => Kernel.Gaussian(double.NaN)).Message);
        Assert.Contains("kernel.scale", Assert.Throws<ArgumentOutOfRangeException>(() => Kernel.InverseMultiquadric(-1)).Message);
        Assert.Throws<ArgumentException>(() => Kernel.GaussianMixture());
        var k = Kernel.Gaussian(1);
        var widths = Assert.Throws<GenShapeException>(() => Mmd.Unbiased(torch.zeros(4, 2), torch.zeros(4, 3), k));
        Assert.Contains("[4, 2]", widths.Message);
        Assert.Contains("[4, 3]", widths.Message);
        Assert.Contains("at least 2 rows", Assert.Throws<GenShapeException>(() => Mmd.Unbiased(torch.zeros(1, 2), torch.zeros(4, 2), k)).Message);
        Assert.Contains("even size", Assert.Throws<GenShapeException>(() => Mmd.LinearTime(torch.zeros(5, 2), torch.zeros(5, 2), k)).Message);
        Assert.Throws<ArgumentException>(() => Mmd.Biased(torch.zeros(4, 2), torch.zeros(4, 2, dtype: torch.float64), k));
    }

    [Fact]
    public void A_generator_trained_by_moment_matching_covers_the_ring()
    {
        // A generative moment-matching network: a GAN's generator network, trained by MMD² alone (its discriminator unused).
        var data = ToyData.Sample(ToySet.EightGaussians, 4096, Device.Cpu, Seed.Generator(5));
        var heldOut = ToyData.Sample(ToySet.EightGaussians, 512, Device.Cpu, Seed.Generator(6));
        using var model = Adversarial.Gan(latent: 4, data: 2).Generator(Net.Mlp(64, 64)).Compile(Device.Cpu, seed: 0);
        var kernel = Kernel.GaussianMixture(0.05, 0.2, 1, 4);
        using var g = Seed.Generator(7);
        double Distance()
        {
            using var noGrad = torch.no_grad();
            return Mmd.Unbiased(model.RSample(512, Seed.Generator(8)), heldOut, kernel).ToDouble();
        }

        double before = Distance();
        using var adam = new Gen.Optimization.FusedAdam(model.GeneratorParameters(), 2e-3);
        var trainer = new Trainer(model, adam, Mmd.Loss(model, kernel, generator: g), new TrainingOptions { Epochs = 12, BatchSize = 256, ProgressEvery = 1000 });
        trainer.Fit(data);
        double after = Distance();
        model.eval();
        var coverage = ModeCoverage.Measure(model.Sample(2500, Seed.Generator(9)), MixtureModes.Of(ToySet.EightGaussians));
        Assert.True(after < before / 20, $"MMD² to held-out data {before} -> {after}");
        Assert.True(coverage.ModesCaptured >= 7, $"{coverage}");
    }

    [Fact]
    public void Its_gradient_moves_a_sample_towards_the_other()
    {
        var y = DeviceRandom.Normal(new long[] { 64, 2 }, torch.float64, Device.Cpu, Seed.Generator(3));
        var x = (DeviceRandom.Normal(new long[] { 64, 2 }, torch.float64, Device.Cpu, Seed.Generator(4)) + 2).requires_grad_(true);
        var kernel = Kernel.GaussianMixture(0.5, 1, 2);
        double before = Mmd.Unbiased(x, y, kernel).item<double>();
        for (int i = 0; i < 50; i++)
        {
            var loss = Mmd.Unbiased(x, y, kernel);
            var grad = torch.autograd.grad(new[] { loss }, new[] { x })[0];
            using (torch.no_grad())
            {
                x.sub_(grad * 20);
            }
        }

        double after = Mmd.Unbiased(x, y, kernel).item<double>();
        Assert.True(after < before / 10, $"MMD² {before} -> {after}");
    }
}
