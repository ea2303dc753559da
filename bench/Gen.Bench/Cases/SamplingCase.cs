using System;
using TorchSharp;

namespace Gen.Bench;

/// <summary>A Gen model whose sampling speed is measured (no baseline: there is no loss to compare).</summary>
/// <param name="Name">The case's name.</param>
/// <param name="Description">The architecture.</param>
/// <param name="Passes">How many network passes one draw of a batch takes, in words.</param>
/// <param name="Batch">Samples per draw.</param>
/// <param name="Sequential">True where a draw takes one pass per feature (then no warm-up draw is made: one draw warms itself).</param>
/// <param name="Build">Compiles the model on a device with a seed.</param>
internal sealed record SamplingCase(string Name, string Description, string Passes, long Batch, bool Sequential, Func<torch.Device, long, Sampler> Build);

/// <summary>A compiled model and how to draw a batch from it.</summary>
internal sealed class Sampler : IDisposable
{
    private readonly IDisposable model;
    private readonly Func<long, torch.Generator, torch.Tensor> draw;

    /// <summary>Wraps a model (disposed with the sampler) and its draw.</summary>
    public Sampler(IDisposable model, Func<long, torch.Generator, torch.Tensor> draw)
    {
        this.model = model;
        this.draw = draw;
    }

    /// <summary>Draws <paramref name="count"/> samples without gradient and discards them.</summary>
    public void Draw(long count, torch.Generator generator)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        draw(count, generator);
    }

    public void Dispose() => model.Dispose();
}
