using System;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gen.Dsl.Tests.ScoreMatching;

/// <summary>
/// Score matching on Gaussian data, where the best linear score is known: −(Σ + σ²I)⁻¹(x − μ) for denoising score
/// matching at noise σ, −Σ⁻¹(x − μ) for sliced score matching (Σ and μ the sample's own moments).
/// </summary>
public class ScoreObjectiveTests
{
    private static torch.Tensor Data()
    {
        var l = torch.linalg.cholesky(torch.tensor(new[] { 1.0, 0.6, 0.6, 0.5 }, dtype: torch.float64).reshape(2, 2));
        return DeviceRandom.Normal(new long[] { 4096, 2 }, torch.float64, Device.Cpu, Seed.Generator(0)).matmul(l.t()) + torch.tensor(new[] { 1.0, -0.5 }, dtype: torch.float64);
    }

    private static (torch.Tensor Mean, torch.Tensor Covariance) Moments(torch.Tensor x)
    {
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        return (mean, centred.t().matmul(centred) / x.shape[0]);
    }

    private static LinearScore Fit(Func<LinearScore, Func<torch.Tensor, Loss>> objective, torch.Tensor data, int epochs)
    {
        var model = new LinearScore();
        using var adam = new FusedAdam(model.parameters(), 0.02);
        var trainer = new Trainer(model, adam, objective(model), new TrainingOptions { Epochs = epochs, BatchSize = 512, ProgressEvery = 10_000 });
        trainer.Fit(data);
        return model;
    }

    [Fact]
    public void Denoising_score_matching_finds_the_score_of_the_noised_data()
    {
        var data = Data();
        const double Sigma = 0.5;
        using var g = Seed.Generator(1);
        var model = Fit(m => ScoreObjective.Denoising(m.forward, Sigma, g), data, 150);
        var (mean, covariance) = Moments(data);
        var a = -torch.linalg.inv(covariance + (torch.eye(2, dtype: torch.float64) * (Sigma * Sigma)));
        var gap = (model.A - a).abs().max().item<double>();
        var biasGap = (model.B - (-a.matmul(mean))).abs().max().item<double>();
        Assert.True(gap < 0.05 && biasGap < 0.05, $"A off by {gap}, b off by {biasGap}: A = {model.A.ToString(TensorStringStyle.Julia)}, expected {a.ToString(TensorStringStyle.Julia)}");
    }

    [Fact]
    public void Sliced_score_matching_finds_the_score_of_the_data()
    {
        var data = Data();
        using var g = Seed.Generator(2);
        var model = Fit(m => ScoreObjective.Sliced(m.forward, projections: 2, g), data, 150);
        var (mean, covariance) = Moments(data);
        var a = -torch.linalg.inv(covariance);
        var gap = (model.A - a).abs().max().item<double>();
        var biasGap = (model.B - (-a.matmul(mean))).abs().max().item<double>();
        // The data's precision has entries up to 3.6, so this is a few per cent.
        Assert.True(gap < 0.15 && biasGap < 0.15, $"A off by {gap}, b off by {biasGap}: A = {model.A.ToString(TensorStringStyle.Julia)}, expected {a.ToString(TensorStringStyle.Julia)}");
    }

    [Fact]
    public void Bad_settings_and_scores_of_another_shape_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreObjective.Denoising(x => x, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreObjective.Sliced(x => x, 0));
        var e = Assert.Throws<GenShapeException>(() => ScoreObjective.Denoising(x => x[.., ..1], 0.1)(torch.zeros(4, 2)));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[4, 1]", e.Message);
    }

    // s(x) = A x + b.
    private sealed class LinearScore : torch.nn.Module<torch.Tensor, torch.Tensor>
    {
        private readonly Parameter a;
        private readonly Parameter b;

        public LinearScore() : base("linear_score")
        {
            a = new Parameter(torch.zeros(2, 2, dtype: torch.float64));
            b = new Parameter(torch.zeros(2, dtype: torch.float64));
            register_parameter(nameof(a), a);
            register_parameter(nameof(b), b);
        }

        public torch.Tensor A => a.detach();

        public torch.Tensor B => b.detach();

        public override torch.Tensor forward(torch.Tensor x) => x.matmul(a.t()) + b;
    }
}
