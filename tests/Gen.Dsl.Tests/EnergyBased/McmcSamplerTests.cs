using System;
using Gen.Data;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.EnergyBased;

/// <summary>Langevin and MALA on a correlated Gaussian, whose law is known exactly.</summary>
public class McmcSamplerTests
{
    // Σ = [[1, 0.8], [0.8, 1]]: E(x) = ½ xᵀ Σ⁻¹ x.
    // Made afresh for each call: a tensor kept in a static field would belong to whatever dispose scope first made it.
    private static torch.Tensor Precision() => torch.linalg.inv(torch.tensor(new[] { 1.0, 0.8, 0.8, 1.0 }, dtype: torch.float64).reshape(2, 2));

    private static torch.Tensor Energy(torch.Tensor x) => 0.5 * (x.matmul(Precision()) * x).sum(-1);

    private static torch.Tensor Covariance(torch.Tensor x)
    {
        var centred = x - x.mean(new long[] { 0 });
        return centred.t().matmul(centred) / (x.shape[0] - 1);
    }

    // Exact draws: Σ = L Lᵀ.
    private static torch.Tensor Exact(long n, long seed)
    {
        var l = torch.linalg.cholesky(torch.tensor(new[] { 1.0, 0.8, 0.8, 1.0 }, dtype: torch.float64).reshape(2, 2));
        return DeviceRandom.Normal(new long[] { n, 2 }, torch.float64, Device.Cpu, Seed.Generator(seed)).matmul(l.t());
    }

    [Fact]
    public void Mala_keeps_the_target_invariant_at_a_step_where_unadjusted_langevin_drifts()
    {
        // 4000 chains started at exact draws; with ε = 0.9 the unadjusted chain's stationary law is far too wide.
        var start = Exact(4000, 0);
        var mala = new MalaSampler(0.9, 30).Run(Energy, start, Seed.Generator(1));
        var ula = new LangevinSampler(0.9, 30).Run(Energy, start, Seed.Generator(1));
        var target = torch.tensor(new[] { 1.0, 0.8, 0.8, 1.0 }, dtype: torch.float64).reshape(2, 2);
        // A sample covariance of 4000 draws errs by about √(2/4000) ≈ 0.022 per entry.
        double malaGap = (Covariance(mala.Samples) - target).abs().max().item<double>();
        double ulaGap = (Covariance(ula.Samples) - target).abs().max().item<double>();
        Assert.True(malaGap < 0.1, $"MALA's covariance is off by {malaGap}");
        Assert.True(ulaGap > 0.3, $"unadjusted Langevin at this step should drift, but is off by only {ulaGap}");
        Assert.InRange(mala.AcceptanceRate, 0.2, 0.95);
        Assert.Equal(1.0, ula.AcceptanceRate);
    }

    [Fact]
    public void From_far_away_both_reach_the_target_and_small_steps_make_langevin_nearly_exact()
    {
        var start = (DeviceRandom.Normal(new long[] { 3000, 2 }, torch.float64, Device.Cpu, Seed.Generator(2)) * 0.1) + 6;
        var target = torch.tensor(new[] { 1.0, 0.8, 0.8, 1.0 }, dtype: torch.float64).reshape(2, 2);
        var mala = new MalaSampler(0.3, 400).Run(Energy, start, Seed.Generator(3));
        var ula = new LangevinSampler(0.02, 1500).Run(Energy, start, Seed.Generator(4));
        foreach (var (name, samples) in new[] { ("mala", mala.Samples), ("langevin", ula.Samples) })
        {
            Assert.True(samples.mean(new long[] { 0 }).abs().max().item<double>() < 0.1, $"{name}: mean {samples.mean(new long[] { 0 }).ToString(TensorStringStyle.Julia)}");
            Assert.True((Covariance(samples) - target).abs().max().item<double>() < 0.12, $"{name}: covariance {Covariance(samples).ToString(TensorStringStyle.Julia)}");
        }
    }

    [Fact]
    public void At_a_temperature_mala_samples_the_tempered_law_whose_covariance_is_t_times_the_targets()
    {
        // exp(−E/T) for the Gaussian energy is N(0, T Σ); start at exact draws scaled to it, as above.
        const double t = 0.25;
        var start = Exact(4000, 2) * Math.Sqrt(t);
        var chains = new MalaSampler(0.2, 40) { Temperature = t }.Run(Energy, start, Seed.Generator(3));
        var target = torch.tensor(new[] { 1.0, 0.8, 0.8, 1.0 }, dtype: torch.float64).reshape(2, 2) * t;
        // About √(2/4000)·T ≈ 0.006 per entry of sampling error.
        double gap = (Covariance(chains.Samples) - target).abs().max().item<double>();
        Assert.True(gap < 0.02, $"covariance off by {gap:F4}");
        Assert.Throws<ArgumentOutOfRangeException>(() => new LangevinSampler(0.1, 1) { Temperature = 0 }.Run(Energy, start));
    }

    [Fact]
    public void Bad_settings_and_diverging_chains_get_clear_errors()
    {
        var start = torch.zeros(4, 2, dtype: torch.float64);
        Assert.Contains("mala: the step size", Assert.Throws<ArgumentOutOfRangeException>(() => new MalaSampler(0, 10).Run(Energy, start)).Message);
        Assert.Contains("langevin: the step size", Assert.Throws<ArgumentOutOfRangeException>(() => new LangevinSampler(double.NaN, 10).Run(Energy, start)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LangevinSampler(0.1, 0).Run(Energy, start));
        var perChain = Assert.Throws<GenShapeException>(() => new LangevinSampler(0.1, 1).Run(x => x.sum(), start));
        Assert.Contains("one energy per chain, [4]", perChain.Message);
        // A step far past the stable range makes unadjusted Langevin explode on a quadratic energy.
        var diverged = Assert.Throws<InvalidOperationException>(() => new LangevinSampler(50, 500).Run(Energy, start + 1, Seed.Generator(5)));
        Assert.Contains("langevin: a chain left the finite numbers at step", diverged.Message);
        Assert.Contains("lower the step size", diverged.Message);
        // MALA refuses such moves instead, and stays where it is.
        var stuck = new MalaSampler(50, 20).Run(Energy, start + 1, Seed.Generator(6));
        Assert.True(stuck.Samples.isfinite().all().item<bool>());
        Assert.True(stuck.AcceptanceRate < 0.05);
    }
}
