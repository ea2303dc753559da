using Gen.Probability;
using Gen.Probability.Bijectors;
using Gen.Testing;
using TorchSharp;
using Xunit;

namespace Gen.Cuda.Tests;

/// <summary>The bijector laws (round trip, log-det against the autograd Jacobian) hold on the GPU in float64.</summary>
[Trait("Category", "Cuda")]
public sealed class BijectorLawsOnCuda
{
    [CudaFact]
    public void Elementwise_maps_obey_the_laws()
    {
        for (long seed = 0; seed < 5; seed++)
        {
            var x = Cuda.RandN(seed, 3, 4);
            BijectorLaws.All(Elementwise.Exp, x);
            BijectorLaws.All(Elementwise.Sigmoid, x);
            BijectorLaws.All(Elementwise.Tanh, x * 0.5, 1e-5);
            BijectorLaws.All(Elementwise.Softplus, x);
            BijectorLaws.All(new ElementwiseAffine(Cuda.RandN(seed + 100, 4), Cuda.RandN(seed + 200, 4) * 0.3), x);
        }
    }

    [CudaFact]
    public void A_coupling_with_a_nonlinear_conditioner_and_a_permutation_obey_the_laws()
    {
        for (long seed = 0; seed < 5; seed++)
        {
            var mask = torch.tensor(new double[] { 1, 0, 1, 0, 1, 0 }, dtype: torch.float64).to(Cuda.Gpu);
            var w = Cuda.RandN(seed + 10, 6, 12) * 0.3;
            var coupling = new AffineCoupling(mask, kept =>
            {
                var h = torch.tanh(kept.matmul(w)).chunk(2, -1);
                return new AffineParameters(h[0], h[1]);
            });
            var chain = coupling.Then(Permutation.Random(6, (int)seed)).Then(Elementwise.Tanh);
            BijectorLaws.All(chain, Cuda.RandN(seed, 5, 6) * 0.5, 1e-5);
        }
    }
}
