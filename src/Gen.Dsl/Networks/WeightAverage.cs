using System;
using System.Linq;
using TorchSharp;

namespace Gen.Dsl;

/// <summary>
/// An exponential moving average of a network's weights (Polyak averaging; the generator average of Yazıcı et al. 2019,
/// StyleGAN and BigGAN): a copy of the network whose parameters follow the trained ones by
/// θ̄ ← β_t·θ̄ + (1 − β_t)·θ at every <see cref="Update"/>, with the decay warmed up as β_t = min(β, (1 + t) / (10 + t))
/// after t updates, so the first few hundred steps are not dominated by the initial weights. Buffers (batch
/// normalisation's statistics) are copied as they are. State-dict names: <c>network.*</c> (the copy) and
/// <c>updates</c> (t, so a resumed run warms up where it stopped).
/// </summary>
public sealed class WeightAverage : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Field names equal the registered names: TorchSharp re-binds fields by name on .to().
    private readonly torch.nn.Module<torch.Tensor, torch.Tensor> network;
    private readonly torch.Tensor updates;

    // The averaged network, behind a delegate: TorchSharp registers module-typed fields as submodules, and the network
    // belongs to its owner.
    private readonly Func<torch.nn.Module<torch.Tensor, torch.Tensor>> source;

    /// <summary>Starts the average at <paramref name="source"/>'s weights.</summary>
    /// <param name="source">The trained network.</param>
    /// <param name="copy">A network of the same structure (built from the same spec); it becomes the average.</param>
    /// <param name="decay">β, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">The decay is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">The two networks differ in their parameters or buffers.</exception>
    public WeightAverage(torch.nn.Module<torch.Tensor, torch.Tensor> source, torch.nn.Module<torch.Tensor, torch.Tensor> copy, double decay) : base("weight_average")
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(copy);
        if (!(decay > 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "weight_average: the decay must lie strictly between 0 and 1.");
        }

        var (from, to) = (source.named_parameters().ToArray(), copy.named_parameters().ToArray());
        if (from.Length != to.Length || from.Zip(to).Any(p => p.First.name != p.Second.name || !p.First.parameter.shape.SequenceEqual(p.Second.parameter.shape)))
        {
            throw new ArgumentException("weight_average: the copy must have the source's parameters, by name and shape.", nameof(copy));
        }

        this.source = () => source;
        network = copy;
        Decay = decay;
        updates = torch.zeros(Array.Empty<long>(), torch.int64);
        register_module(nameof(network), network);
        register_buffer(nameof(updates), updates);
        using var noGrad = torch.no_grad();
        foreach (var (mean, weight) in Pairs())
        {
            mean.copy_(weight);
            mean.requires_grad_(false);
        }
    }

    /// <summary>β, the decay once warmed up.</summary>
    public double Decay { get; }

    /// <summary>The number of updates so far (t).</summary>
    public long Updates => updates.item<long>();

    /// <summary>The averaged network applied to <paramref name="input"/>.</summary>
    public override torch.Tensor forward(torch.Tensor input) => network.call(input);

    /// <summary>Moves the average towards the trained weights with β_t = min(β, (1 + t) / (10 + t)) and copies the buffers.</summary>
    public void Update()
    {
        using var noGrad = torch.no_grad();
        long t = Updates;
        double decay = Math.Min(Decay, (1.0 + t) / (10.0 + t));
        foreach (var (mean, weight) in Pairs())
        {
            mean.lerp_(weight, 1 - decay);
        }

        foreach (var (mean, value) in network.buffers().Zip(source().buffers()))
        {
            mean.copy_(value);
        }

        updates.add_(1);
    }

    private System.Collections.Generic.IEnumerable<(torch.Tensor Mean, torch.Tensor Weight)> Pairs() =>
        network.parameters().Zip(source().parameters(), (mean, weight) => ((torch.Tensor)mean, (torch.Tensor)weight));
}
