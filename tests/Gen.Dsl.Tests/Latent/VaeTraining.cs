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
        using var optimizer = new FusedAdam(model.parameters(), learningRate);
        Run(model, optimizer, train, 0, steps, batch, Seed.Generator(seed));
    }

    /// <summary>Training steps <paramref name="from"/> to <paramref name="to"/> (exclusive) with an existing optimizer.</summary>
    public static void Run(VaeModel model, FusedAdam optimizer, torch.Tensor train, int from, int to, int batch, torch.Generator noise)
    {
        long n = train.shape[0];
        for (int step = from; step < to; step++)
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
