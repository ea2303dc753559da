using System.Linq;
using Gen.Probability;
using Gen.Probability.Distributions;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>Sampling, densities, moments and KL on the GPU, with a GPU generator.</summary>
[Trait("Category", "Cuda")]
public sealed class DistributionsOnCuda
{
    private static torch.Tensor V(params double[] values) => torch.tensor(values, dtype: torch.float64).to(Cuda.Gpu);

    private static IDistribution[] Families() => new IDistribution[]
    {
        Family.Normal(V(0.5, -1), V(1.5, 0.2)),
        Family.Laplace(V(0), V(2)),
        Family.Gamma(V(0.7, 3), V(2, 0.5)),
        Family.Beta(V(0.5, 2), V(3, 0.8)),
        Family.Dirichlet(V(0.5, 1, 2)),
        Family.Poisson(V(0.3, 7)),
        Family.Bernoulli(probs: V(0.2, 0.9)),
        Family.Categorical(probs: V(0.1, 0.6, 0.3)),
        Family.Exponential(V(1.5)),
        Family.StudentT(V(5), V(0), V(1)),
    };

    [CudaFact]
    public void Samples_stay_on_the_gpu_and_agree_with_the_density()
    {
        using var g = Seed.Generator(7);
        foreach (var d in Families())
        {
            var s = d.Sample(new long[] { 8 }, g);
            Assert.Equal(Cuda.Gpu.type, s.device_type);
            DistributionLaws.SampleAndLogProbAgrees(d, generator: g);
        }
    }

    [CudaFact]
    public void Moments_match_on_the_gpu()
    {
        using var g = Seed.Generator(11);
        foreach (var d in Families().Where(d => d is not Categorical)) // a categorical has no numeric mean
        {
            DistributionLaws.MomentsMatch(d, samples: 50000, generator: g);
        }
    }

    [CudaFact]
    public void Analytic_kl_agrees_with_monte_carlo_on_the_gpu()
    {
        using var g = Seed.Generator(3);
        DistributionLaws.KlAgreesWithMonteCarlo(Family.Normal(V(0.3), V(1.2)), Family.Normal(V(-0.5), V(0.7)), generator: g);
        DistributionLaws.KlAgreesWithMonteCarlo(Family.Gamma(V(2), V(1)), Family.Gamma(V(3), V(2)), generator: g);
        DistributionLaws.KlIsNonNegative(Family.Categorical(probs: V(0.2, 0.8)), Family.Categorical(probs: V(0.5, 0.5)));
    }
}
