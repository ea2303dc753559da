using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.EnergyBased;

/// <summary>
/// A chain holds a few states at a time however long it runs: each step's states replace the last ones, which are freed
/// then, not when the run ends (10,000 chains of MNIST images once took more than 20 GB over 200 steps).
/// </summary>
public class ChainMemoryTests
{
    private static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    // E(x) = ½|x|², recording how many tensors are alive at each call.
    private static (System.Func<torch.Tensor, torch.Tensor> Energy, List<long> Counts) Recording()
    {
        var counts = new List<long>();
        return (x =>
        {
            counts.Add(Live());
            return 0.5 * x.square().sum(-1);
        }, counts);
    }

    // After the first calls, the count of live tensors at the energy's calls does not grow with the steps: the most
    // alive in the second half of the calls is no more than in the first half (the count cycles within a step).
    private static void Flat(List<long> counts, int skip)
    {
        var later = counts.Skip(skip).ToArray();
        Assert.True(later.Length > 20, $"only {later.Length} calls");
        long first = later.Take(later.Length / 2).Max(), second = later.Skip(later.Length / 2).Max();
        Assert.True(second <= first, $"live tensors at the energy's calls grew from at most {first} in the first half of {later.Length} calls to {second} in the second: {string.Join(" ", later)}");
    }

    [Theory]
    [InlineData("langevin")]
    [InlineData("mala")]
    public void A_long_run_keeps_a_fixed_number_of_states_alive(string kind)
    {
        McmcSampler sampler = kind == "langevin" ? new LangevinSampler(0.01, 60) : new MalaSampler(0.01, 60);
        var (energy, counts) = Recording();
        using var start = torch.randn(16, 3, dtype: torch.float64, generator: Seed.Generator(0));
        using var result = sampler.Run(energy, start, Seed.Generator(1)).Samples;
        Flat(counts, 5);
    }

    [Fact]
    public void Annealed_importance_sampling_keeps_a_fixed_number_of_states_alive()
    {
        var (energy, counts) = Recording();
        var estimate = new AnnealedImportanceSampling(40, new MalaSampler(0.05, 1)).Estimate(energy, new long[] { 3 }, 16, torch.float64, Device.Cpu, Seed.Generator(2));
        estimate.LogWeights.Dispose();
        Flat(counts, 10);
    }
}
