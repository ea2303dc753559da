using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Metrics;

/// <summary>The sample-quality metrics against closed forms and their defining properties, in float64.</summary>
public sealed class SampleQualityMetricTests
{
    // A random symmetric positive definite d × d matrix: A Aᵀ + εI.
    private static torch.Tensor Spd(int d, torch.Generator g, double ridge = 0.1)
    {
        var a = torch.randn(new long[] { d, d }, dtype: torch.float64, generator: g);
        return a.matmul(a.t()) + (ridge * torch.eye(d, dtype: torch.float64));
    }

    [Fact]
    public void The_frechet_distance_of_two_gaussians_is_the_closed_form_in_two_dimensions()
    {
        // For 2 × 2 positive semi-definite M, tr √M = √(tr M + 2 √det M); with M = Σ₁Σ₂ (similar to Σ₁^½Σ₂Σ₁^½), an
        // independent route to the cross term.
        var g = Seed.Generator(1);
        for (int trial = 0; trial < 20; trial++)
        {
            var (c1, c2) = (Spd(2, g), Spd(2, g));
            var (m1, m2) = (torch.randn(2, dtype: torch.float64, generator: g), torch.randn(2, dtype: torch.float64, generator: g));
            var product = c1.matmul(c2);
            double cross = Math.Sqrt(product.trace().item<double>() + (2 * Math.Sqrt(torch.linalg.det(product).item<double>())));
            double expected = (m1 - m2).square().sum().item<double>() + c1.trace().item<double>() + c2.trace().item<double>() - (2 * cross);
            Assert.Equal(expected, FrechetDistance.OfGaussians(m1, c1, m2, c2), 9);
        }
    }

    [Fact]
    public void The_frechet_distance_is_symmetric_zero_between_equal_laws_and_the_diagonal_closed_form()
    {
        var g = Seed.Generator(2);
        var (c1, c2) = (Spd(6, g), Spd(6, g));
        var (m1, m2) = (torch.randn(6, dtype: torch.float64, generator: g), torch.randn(6, dtype: torch.float64, generator: g));
        Assert.Equal(FrechetDistance.OfGaussians(m1, c1, m2, c2), FrechetDistance.OfGaussians(m2, c2, m1, c1), 8);
        Assert.True(FrechetDistance.OfGaussians(m1, c1, m1, c1) < 1e-9);

        // Diagonal covariances commute: Σ (√a − √b)² + ‖μ₁ − μ₂‖².
        var (a, b) = (torch.rand(6, dtype: torch.float64, generator: g) + 0.1, torch.rand(6, dtype: torch.float64, generator: g) + 0.1);
        double diagonal = (a.sqrt() - b.sqrt()).square().sum().item<double>() + (m1 - m2).square().sum().item<double>();
        Assert.Equal(diagonal, FrechetDistance.OfGaussians(m1, torch.diag(a), m2, torch.diag(b)), 10);
    }

    [Fact]
    public void From_samples_it_approaches_the_distance_between_the_laws()
    {
        var g = Seed.Generator(3);
        var (c1, c2) = (Spd(3, g), Spd(3, g));
        var (m1, m2) = (torch.tensor(new[] { 0.0, 1, 2 }), torch.tensor(new[] { 1.0, 0, -1 }));
        torch.Tensor Draw(torch.Tensor m, torch.Tensor c) =>
            m + torch.randn(new long[] { 200_000, 3 }, dtype: torch.float64, generator: g).matmul(torch.linalg.cholesky(c).t());
        double exact = FrechetDistance.OfGaussians(m1, c1, m2, c2);
        double estimate = FrechetDistance.Between(Draw(m1, c1), Draw(m2, c2));
        Assert.True(Math.Abs(estimate - exact) < 0.02 * exact, $"estimate {estimate}, exact {exact}");
    }

    [Fact]
    public void Singular_and_nearly_singular_covariances_give_a_finite_stable_distance()
    {
        var g = Seed.Generator(4);
        // 20 examples of 64 features lying in a 3-dimensional subspace: rank-3 covariances.
        var basis = torch.randn(new long[] { 3, 64 }, dtype: torch.float64, generator: g);
        var a = torch.randn(new long[] { 20, 3 }, dtype: torch.float64, generator: g).matmul(basis);
        var b = torch.randn(new long[] { 20, 3 }, dtype: torch.float64, generator: g).matmul(basis) + 0.5;
        double d = FrechetDistance.Between(a, b);
        Assert.True(double.IsFinite(d) && d > 0, $"distance {d}");
        Assert.True(FrechetDistance.Between(a, a) < 1e-8 * a.square().sum().item<double>());
        // A ridge of 1e-10 on both covariances moves it by no more than rounding does.
        var (ma, ca) = (a.mean(new long[] { 0 }), Covariance(a));
        var (mb, cb) = (b.mean(new long[] { 0 }), Covariance(b));
        var ridge = 1e-10 * torch.eye(64, dtype: torch.float64);
        Assert.Equal(d, FrechetDistance.OfGaussians(ma, ca + ridge, mb, cb + ridge), 5);
    }

    private static torch.Tensor Covariance(torch.Tensor x)
    {
        var centred = x - x.mean(new long[] { 0 });
        return centred.t().matmul(centred) / (x.shape[0] - 1);
    }

    [Fact]
    public void The_kernel_distance_is_unbiased_between_samples_of_one_law_and_positive_between_two()
    {
        // 150 independent pairs of samples of one law: the mean of their kernel distances is zero within three standard
        // errors, while the biased (V-statistic) form of the same kernel is clearly positive on the same pairs.
        var g = Seed.Generator(5);
        const int Pairs = 150, N = 60, D = 8;
        var values = new double[Pairs];
        var biased = new double[Pairs];
        for (int i = 0; i < Pairs; i++)
        {
            var a = torch.randn(new long[] { N, D }, dtype: torch.float64, generator: g);
            var b = torch.randn(new long[] { N, D }, dtype: torch.float64, generator: g);
            values[i] = KernelDistance.Between(a, b, Seed.Generator(i), subsets: 1, subsetSize: N).Mean;
            torch.Tensor K(torch.Tensor u, torch.Tensor v) => (u.matmul(v.t()) / D + 1).pow(3);
            biased[i] = (K(a, a).mean() + K(b, b).mean() - (2 * K(a, b).mean())).item<double>();
        }

        double mean = values.Average(), se = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (Pairs - 1) / Pairs);
        Assert.True(Math.Abs(mean) < 3 * se, $"mean {mean}, standard error {se}");
        Assert.True(biased.Average() > 10 * se, $"the biased form {biased.Average()} should sit well above 0 (standard error {se})");

        var a2 = torch.randn(new long[] { 2000, D }, dtype: torch.float64, generator: g);
        var shifted = KernelDistance.Between(a2, torch.randn(new long[] { 2000, D }, dtype: torch.float64, generator: g) + 0.5, Seed.Generator(6), subsets: 20, subsetSize: 500);
        Assert.True(shifted.Mean > 100 * se, $"shifted {shifted.Mean}, noise {se}");
        Assert.True(shifted.Subsets == 20 && shifted.SubsetSize == 500);
    }

    [Fact]
    public void The_kernel_distance_is_the_unbiased_mmd_under_the_cubic_kernel()
    {
        // One subset holding both whole sets: the U-statistic computed here by hand.
        var g = Seed.Generator(7);
        var a = torch.randn(new long[] { 5, 3 }, dtype: torch.float64, generator: g);
        var b = torch.randn(new long[] { 5, 3 }, dtype: torch.float64, generator: g) + 0.3;
        double K(torch.Tensor u, torch.Tensor v) => Math.Pow((u.dot(v).item<double>() / 3) + 1, 3);
        double within(torch.Tensor s) => Enumerable.Range(0, 5).SelectMany(i => Enumerable.Range(0, 5).Where(j => j != i).Select(j => K(s[i], s[j]))).Sum() / 20;
        double between = Enumerable.Range(0, 5).SelectMany(i => Enumerable.Range(0, 5).Select(j => K(a[i], b[j]))).Sum() / 25;
        double expected = within(a) + within(b) - (2 * between);
        Assert.Equal(expected, KernelDistance.Between(a, b, Seed.Generator(8), subsets: 1, subsetSize: 5).Mean, 10);
    }

    [Fact]
    public void Precision_and_recall_see_a_collapsed_generator_and_streaks()
    {
        var g = Seed.Generator(9);
        // Eight Gaussian modes on a ring, sd 0.1.
        var centres = torch.tensor(Enumerable.Range(0, 8).SelectMany(i => new[] { 2 * Math.Cos(i * Math.PI / 4), 2 * Math.Sin(i * Math.PI / 4) }).ToArray()).reshape(8, 2);
        torch.Tensor Ring(long n, double sd, int modes) =>
            centres.narrow(0, 0, modes).index_select(0, torch.randint(0, modes, new long[] { n }, generator: g)) + (sd * torch.randn(new long[] { n, 2 }, dtype: torch.float64, generator: g));
        var data = Ring(2000, 0.1, 8);

        var good = PrecisionRecall.Measure(data, Ring(2000, 0.1, 8));
        Assert.True(good.Precision > 0.95 && good.Recall > 0.95, $"{good}");

        var collapsed = PrecisionRecall.Measure(data, Ring(2000, 0.1, 1));
        Assert.True(collapsed.Precision > 0.95 && collapsed.Recall < 0.2, $"{collapsed}");

        // Streaks: each mode's samples spread along one direction only, a tenth as wide across it.
        var thin = centres.index_select(0, torch.randint(0, 8, new long[] { 2000 }, generator: g)) + (torch.randn(new long[] { 2000, 1 }, dtype: torch.float64, generator: g) * torch.tensor(new[] { 0.1, 0.01 }));
        var streaked = PrecisionRecall.Measure(data, thin);
        Assert.True(streaked.Precision > 0.9 && streaked.Recall < good.Recall - 0.2, $"{streaked} against {good}");

        var far = PrecisionRecall.Measure(data, data + 100);
        Assert.Equal(0, far.Precision);
        Assert.Equal(0, far.Recall);
        var itself = PrecisionRecall.Measure(data, data);
        Assert.Equal(1, itself.Precision);
        Assert.Equal(1, itself.Recall);
    }

    [Fact]
    public void Bad_feature_sets_are_refused_naming_the_metric()
    {
        var a = torch.randn(10, 4, dtype: torch.float64);
        Assert.Equal("frechet_distance", Assert.Throws<GenShapeException>(() => FrechetDistance.Between(a, torch.randn(10, 5, dtype: torch.float64))).Node);
        Assert.Equal("frechet_distance", Assert.Throws<GenShapeException>(() => FrechetDistance.Between(a, a.narrow(0, 0, 1))).Node);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => FrechetDistance.Between(a, a.index_put_(torch.tensor(double.NaN), 0, 0))).Message);
        Assert.Equal("kernel_distance", Assert.Throws<GenShapeException>(() => KernelDistance.Between(torch.randn(10), torch.randn(10), Seed.Generator(0))).Node);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelDistance.Between(a, a, Seed.Generator(0), subsets: 0));
        Assert.Equal("precision_recall", Assert.Throws<GenShapeException>(() => PrecisionRecall.Measure(a.narrow(0, 0, 3), a)).Node);
        Assert.Throws<ArgumentOutOfRangeException>(() => PrecisionRecall.Measure(a, a, k: 0));
        Assert.Equal("frechet_distance.covariance2", Assert.Throws<GenShapeException>(() => FrechetDistance.OfGaussians(torch.zeros(3), torch.eye(3), torch.zeros(3), torch.eye(2))).Node);
    }
}
