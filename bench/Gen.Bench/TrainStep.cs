using System;
using System.Collections.Generic;
using TorchSharp;

namespace Gen.Bench;

/// <summary>One training step of a model on a fixed batch: forward, loss, backward and an Adam update.</summary>
internal sealed class TrainStep : IDisposable
{
    private readonly IDisposable owner;
    private readonly Func<torch.Tensor> loss;
    private readonly torch.optim.Optimizer optimizer;

    /// <param name="owner">The model (disposed with the step).</param>
    /// <param name="parameters">The parameters Adam updates.</param>
    /// <param name="loss">Computes the scalar loss on the case's batch.</param>
    /// <param name="learningRate">Adam's step size.</param>
    public TrainStep(IDisposable owner, IEnumerable<TorchSharp.Modules.Parameter> parameters, Func<torch.Tensor> loss, double learningRate = 1e-4)
    {
        this.owner = owner;
        this.loss = loss;
        optimizer = torch.optim.Adam(parameters, lr: learningRate);
    }

    /// <summary>Runs one step and returns the loss tensor's value only when asked, so timing loops never wait on it.</summary>
    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var l = loss();
        l.backward();
        optimizer.step();
    }

    /// <summary>The loss on the batch, read back to the host (synchronises).</summary>
    public double Loss()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        return loss().to(torch.float64).item<double>();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        owner.Dispose();
    }
}
