using System;
using Gen.Optimization;
using TorchSharp;

namespace Gen.Dsl.Tests.Latent;

/// <summary>A short, seeded training loop for the latent-variable tests.</summary>
internal static class VaeTraining
{
    /// <summary>Trains <paramref name="model"/> with Adam on minibatches of <paramref name="train"/> drawn with a fixed seed.</summary>
    public static void Fit(VaeModel model, torch.Tensor train, int steps, int batch, double learningRate, long seed)
    {
        var noise = Seed.Generator(seed);
        using var optimizer = new FusedAdam(model.parameters(), learningRate);
        long n = train.shape[0];
        for (int step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var x = batch >= n ? train : train.index_select(0, DeviceRandom.Integers(n, new long[] { batch }, train.device, noise));
            var loss = model.Loss(x, step, noise);
            if (!float.IsFinite(loss.to(torch.float32).item<float>()))
            {
                throw new InvalidOperationException($"training diverged at step {step}");
            }

            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }
    }
}
