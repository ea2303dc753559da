using System;
using System.Collections.Generic;
using System.Linq;
using Gen.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gen.Bench;

/// <summary>
/// One model on a fixed batch: its log-likelihood, and a training step on it (clear gradients, forward, negative mean
/// log-likelihood, backward, Adam update).
/// </summary>
internal sealed class TrainStep : IDisposable
{
    private readonly IDisposable model;
    private readonly IDisposable optimizer;
    private readonly Func<torch.Tensor> logProb;
    private readonly Action zeroGrad;
    private readonly Action update;

    // A round of a two-player game in place of the forward, backward and update of one loss; null otherwise.
    private readonly Action? round;

    private TrainStep(IDisposable model, IDisposable optimizer, Func<torch.Tensor> logProb, Action zeroGrad, Action update, Action? round = null)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.logProb = logProb;
        this.zeroGrad = zeroGrad;
        this.update = update;
        this.round = round;
    }

    /// <summary>
    /// A step of a two-player game (a GAN): <paramref name="round"/> makes one full round, the critic's update and the
    /// generator's, each with its own optimizer; <paramref name="loss"/> is a scalar loss on fixed inputs, for the
    /// check that two twins compute the same thing. It has no phases to break down.
    /// </summary>
    /// <param name="model">The model (disposed with the step).</param>
    /// <param name="optimizers">Both players' optimizers (disposed with the step).</param>
    /// <param name="round">One round of the game.</param>
    /// <param name="loss">A scalar loss on fixed inputs.</param>
    public static TrainStep Round(IDisposable model, IDisposable optimizers, Action round, Func<torch.Tensor> loss) =>
        new(model, optimizers, () => -loss(), () => { }, () => { }, round);

    /// <summary>A step as Gen users train: Gen's <see cref="FusedAdam"/>.</summary>
    /// <param name="model">The model (disposed with the step).</param>
    /// <param name="parameters">What the optimizer trains.</param>
    /// <param name="logProb">The log-likelihood of the fixed batch, shape [batch].</param>
    /// <param name="learningRate">Adam's step size.</param>
    public static TrainStep WithFusedAdam(IDisposable model, IEnumerable<Parameter> parameters, Func<torch.Tensor> logProb, double learningRate = 1e-4)
    {
        var adam = new FusedAdam(parameters, learningRate);
        return new TrainStep(model, adam, logProb, adam.ZeroGrad, adam.Step);
    }

    /// <summary>
    /// A step as TorchSharp code is written by hand: <c>torch.optim.Adam</c>, with gradients cleared by setting them to
    /// none (as PyTorch's <c>zero_grad</c> does by default, and as Gen does). TorchSharp 0.107's <c>zero_grad</c> zeroes
    /// them in place instead, after which backward adds into the buffers: a pass over every gradient that the
    /// comparison would otherwise count against the hand-written code.
    /// </summary>
    /// <param name="model">The model (disposed with the step).</param>
    /// <param name="parameters">What the optimizer trains.</param>
    /// <param name="logProb">The log-likelihood of the fixed batch, shape [batch].</param>
    /// <param name="learningRate">Adam's step size.</param>
    public static TrainStep WithTorchAdam(IDisposable model, IEnumerable<Parameter> parameters, Func<torch.Tensor> logProb, double learningRate = 1e-4)
    {
        var list = parameters.ToList();
        var adam = torch.optim.Adam(list, lr: learningRate);
        return new TrainStep(model, adam, logProb, () => list.ForEach(p => p.grad = null), () => adam.step());
    }

    /// <summary>Runs one training step without reading anything back, so timing loops never wait on the device.</summary>
    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        if (round is not null)
        {
            round();
            return;
        }

        zeroGrad();
        Loss().backward();
        update();
    }

    /// <summary>The log-likelihood of the batch alone, without gradient (nothing read back).</summary>
    public void LogProb()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        logProb();
    }

    /// <summary>One step, timed by phase (forward, backward, update and zero-grad), draining the device after each.</summary>
    public double[] Phases(torch.Device device)
    {
        if (round is not null)
        {
            throw new NotSupportedException("a round of a two-player game has no single forward, backward and update to time apart.");
        }

        using var scope = torch.NewDisposeScope();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var l = Loss();
        Timing.Drain(device);
        double forward = clock.Elapsed.TotalSeconds;
        l.backward();
        Timing.Drain(device);
        double backward = clock.Elapsed.TotalSeconds;
        update();
        zeroGrad();
        Timing.Drain(device);
        double end = clock.Elapsed.TotalSeconds;
        return new[] { forward, backward - forward, end - backward };
    }

    /// <summary>The loss on the batch, read back to the host (synchronises).</summary>
    public double LossValue()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return Loss().to(torch.float64).item<double>();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
    }

    private torch.Tensor Loss() => -logProb().mean();
}
