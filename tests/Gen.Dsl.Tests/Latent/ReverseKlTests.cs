using System;
using Gen.Data;
using Gen.Optimization;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent;

/// <summary>Variational fitting of the unnormalised density exp(−U1) by minimising the reverse KL through a flow.</summary>
public class ReverseKlTests
{
    /// <summary>log Z = log ∫ exp(−U1(z)) dz by a 1201² grid on [−6, 6]² (U1's ring has radius 2 and width 0.4).</summary>
    private static double LogNormaliser()
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.linspace(-6, 6, 1201, dtype: torch.float64);
        var mesh = torch.meshgrid(new[] { grid, grid }, indexing: "ij");
        var z = torch.stack(new[] { mesh[0].flatten(), mesh[1].flatten() }, 1);
        double cell = Math.Pow(12.0 / 1200, 2);
        return ((-Energies.U1(z)).logsumexp(0) + Math.Log(cell)).item<double>();
    }

    /// <summary>E_q[log q(z) + U1(z)] = KL(q ‖ p) − log Z, estimated with n samples; it is at least −log Z.</summary>
    private static double Bound(FlowModel model, int n, long seed)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var s = model.SampleAndLogProb(n, Seed.Generator(seed));
        return (s.LogProb + Energies.U1(s.Value)).mean().item<float>();
    }

    /// <summary>Fits K steps of <paramref name="step"/> by Adam on 256 samples a step; returns −log Z, the base distribution's bound and the trained bound.</summary>
    private static (double MinusLogZ, double Baseline, double Trained) FitReverseKl(BijSpec step, int k, int steps, double learningRate)
    {
        using var baseOnly = Flow.Over(Dist.StandardNormal(2)).Compile(Device.Cpu);
        using var model = Flow.Over(Dist.StandardNormal(2)).Then(step).Repeat(k).Compile(Device.Cpu, seed: 0);
        using var optimizer = new FusedAdam(model.parameters(), learningRate);
        var noise = Seed.Generator(2);
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            var s = model.SampleAndLogProb(256, noise);
            var loss = (s.LogProb + Energies.U1(s.Value)).mean();
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }

        var result = (-LogNormaliser(), Bound(baseOnly, 20000, 1), Bound(model, 20000, 1));
        // A reverse-KL bound is at least −log Z; lying below it would mean a wrong log-determinant.
        Assert.True(result.Item3 > result.Item1 - 0.05, $"the reverse-KL bound {result.Item3:F3} cannot lie below −log Z = {result.Item1:F3}");
        return result;
    }

    [Fact]
    public void Eight_planar_steps_fit_u1_far_better_than_the_base_distribution()
    {
        // −log Z ≈ −1.88. The base N(0, I) alone scores about 2.70 (a KL of 4.6 nats from the target); 1000 steps of Adam
        // on 256 samples bring eight planar steps to about −1.6 (a KL near 0.3 nats).
        var (minusLogZ, baseline, trained) = FitReverseKl(Bij.Planar(), k: 8, steps: 1000, learningRate: 1e-2);
        Assert.True(trained < minusLogZ + 0.6, $"the trained bound {trained:F3} should come within 0.6 nats of −log Z = {minusLogZ:F3}");
        Assert.True(trained < baseline - 3.5, $"the trained bound {trained:F3} should beat the base distribution's {baseline:F3} by 3.5 nats");
    }

    [Fact]
    public void Radial_steps_also_improve_on_the_base_distribution()
    {
        // Radial steps move mass towards or away from points, a poorer fit for a split ring: 500 steps reach about −0.2.
        var (_, baseline, trained) = FitReverseKl(Bij.Radial(), k: 8, steps: 500, learningRate: 1e-2);
        Assert.True(trained < baseline - 2, $"the trained bound {trained:F3} should beat the base distribution's {baseline:F3} by 2 nats");
    }
}
